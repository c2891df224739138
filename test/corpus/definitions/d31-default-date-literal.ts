import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "d31_default_date_literal" })
export class D31DefaultDateLiteral {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "date", default: "2020-01-01" }) since: string;
  @Column({ type: "time", default: "12:00:00" }) noon: string;
}
