import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "c15_int_array" })
export class C15IntArray {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "int", array: true }) scores: number[];
  @Column({ type: "bigint", array: true, nullable: true }) big: string[] | null;
}
