import { Column, Entity, ManyToOne, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "f64_parent" })
export class F64Parent {
  @PrimaryGeneratedColumn() id: number;
  @Column() name: string;
}

@Entity({ name: "f64_child" })
export class F64Child {
  @PrimaryGeneratedColumn() id: number;
  @ManyToOne(() => F64Parent, { onDelete: "CASCADE", onUpdate: "CASCADE" }) cascade: F64Parent;
  @ManyToOne(() => F64Parent, { onDelete: "SET NULL", nullable: true }) setNull: F64Parent | null;
  @ManyToOne(() => F64Parent, { onDelete: "RESTRICT" }) restrict: F64Parent;
  @ManyToOne(() => F64Parent, { onDelete: "NO ACTION", nullable: false }) required: F64Parent;
}
