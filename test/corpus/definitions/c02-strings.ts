import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "c02_strings" })
export class C02Strings {
  @PrimaryGeneratedColumn() id: number;
  @Column() implicit: string;
  @Column({ type: "varchar", length: 40 }) sized: string;
  @Column({ length: "12" }) sizedText: string;
  @Column({ type: "varchar" }) unsized: string;
  @Column({ type: "character", length: 3 }) code: string;
  @Column({ type: "text" }) body: string;
}
