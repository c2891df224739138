import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

// PostgreSQL: time with time zone with a fractional-second precision, in both spellings.
@Entity({ name: "c90_timetz_precision" })
export class C90TimetzPrecision {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "time with time zone", precision: 3 }) millis: string;
  @Column({ type: "timetz", precision: 0 }) seconds: string;
  @Column({ type: "timetz" }) plain: string;
}
