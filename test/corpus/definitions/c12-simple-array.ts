import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "c12_simple_array" })
export class C12SimpleArray {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "simple-array" }) tags: string[];
  @Column({ type: "simple-array", nullable: true }) extra: string[] | null;
}
