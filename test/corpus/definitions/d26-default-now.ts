import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

// "now" spelled as now(); compares equal to CURRENT_TIMESTAMP.
@Entity({ name: "d26_default_now" })
export class D26DefaultNow {
  @PrimaryGeneratedColumn() id: number;
  @Column({ default: () => "now()" }) at: Date;
}
