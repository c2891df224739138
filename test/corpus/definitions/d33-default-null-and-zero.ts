import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

// default: null means "no default"; zero defaults on unbounded numerics.
@Entity({ name: "d33_default_null_and_zero" })
export class D33DefaultNullAndZero {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", nullable: true, default: null }) nothing: string | null;
  @Column({ type: "numeric", default: 0 }) amount: string;
  @Column({ type: "decimal", precision: 5, scale: 2, default: "-0.50" }) discount: string;
}
