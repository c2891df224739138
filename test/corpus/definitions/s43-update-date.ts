import { Entity, PrimaryGeneratedColumn, UpdateDateColumn } from "typeorm";

@Entity({ name: "s43_update_date" })
export class S43UpdateDate {
  @PrimaryGeneratedColumn() id: number;
  @UpdateDateColumn() updatedAt: Date;
}
