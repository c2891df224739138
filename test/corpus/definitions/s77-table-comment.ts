import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "s77_table_comment", comment: "what's on the shelf" })
export class S77TableComment {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", length: 40 }) title: string;
}
