import { DeleteDateColumn, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "s44_delete_date" })
export class S44DeleteDate {
  @PrimaryGeneratedColumn() id: number;
  @DeleteDateColumn() deletedAt: Date | null;
}
