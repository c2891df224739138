import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "c06_date_time" })
export class C06DateTime {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "date" }) day: string;
  @Column({ type: "time" }) clock: string;
  @Column() implicit: Date;
}
