import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "d27_default_current_timestamp" })
export class D27DefaultCurrentTimestamp {
  @PrimaryGeneratedColumn() id: number;
  @Column({ default: () => "CURRENT_TIMESTAMP" }) at: Date;
}
