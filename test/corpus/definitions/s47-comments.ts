import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "s47_comments", comment: "people who read" })
export class S47Comments {
  @PrimaryGeneratedColumn() id: number;
  @Column({ comment: "shown on the profile" }) name: string;
  @Column({ type: "int", comment: "it's a count" }) visits: number;
}
