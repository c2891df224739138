import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "c04_floats" })
export class C04Floats {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "real" }) single: number;
  @Column({ type: "float" }) float: number;
  @Column({ type: "double precision" }) double: number;
}
