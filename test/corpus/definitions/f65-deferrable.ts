import { Entity, ManyToOne, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "f65_node" })
export class F65Node {
  @PrimaryGeneratedColumn() id: number;
  @ManyToOne(() => F65Node, { deferrable: "INITIALLY DEFERRED", nullable: true }) next: F65Node | null;
  @ManyToOne(() => F65Node, { deferrable: "INITIALLY IMMEDIATE", nullable: true }) prev: F65Node | null;
}
