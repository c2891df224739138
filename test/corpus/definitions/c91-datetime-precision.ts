import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

// SQLite: fractional-second precision in the declared type, as TypeORM writes it.
@Entity({ name: "c91_datetime_precision" })
export class C91DatetimePrecision {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "datetime", precision: 6 }) micros: Date;
  @Column({ type: "time", precision: 3 }) millis: string;
  @Column({ type: "datetime" }) plain: Date;
}
