import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "d21_default_string" })
export class D21DefaultString {
  @PrimaryGeneratedColumn() id: number;
  @Column({ default: "hello" }) greeting: string;
  @Column({ type: "text", default: "" }) empty: string;
  @Column({ type: "character", length: 2, default: "NL" }) country: string;
}
