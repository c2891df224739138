import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

// PostgreSQL: time zones and fractional-second precision.
@Entity({ name: "c07_timestamptz" })
export class C07Timestamptz {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "timestamptz" }) zoned: Date;
  @Column({ type: "timestamp with time zone", precision: 3 }) zonedMillis: Date;
  @Column({ type: "timestamp" }) plain: Date;
  @Column({ type: "timestamp", precision: 0 }) seconds: Date;
  @Column({ type: "time with time zone" }) zonedClock: string;
  @Column({ type: "time", precision: 2 }) centis: string;
}
