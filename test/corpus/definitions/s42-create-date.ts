import { CreateDateColumn, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "s42_create_date" })
export class S42CreateDate {
  @PrimaryGeneratedColumn() id: number;
  @CreateDateColumn() createdAt: Date;
}
