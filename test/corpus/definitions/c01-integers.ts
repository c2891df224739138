import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "c01_integers" })
export class C01Integers {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "smallint" }) small: number;
  @Column({ type: "int" }) regular: number;
  @Column({ type: "integer" }) spelled: number;
  @Column({ type: "bigint" }) big: string;
  @Column() implicit: number;
}
