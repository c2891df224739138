import { CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from "typeorm";

// PostgreSQL: CreateDate/UpdateDate columns with a zoned type.
@Entity({ name: "s46_timestamptz_dates" })
export class S46TimestamptzDates {
  @PrimaryGeneratedColumn() id: number;
  @CreateDateColumn({ type: "timestamptz" }) createdAt: Date;
  @UpdateDateColumn({ type: "timestamptz" }) updatedAt: Date;
  @CreateDateColumn({ type: "timestamp", precision: 3, name: "created_ms" }) createdMs: Date;
}
