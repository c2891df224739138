import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "s48_collation" })
export class S48Collation {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", collation: "C" }) code: string;
}
