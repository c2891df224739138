import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "k55_unique_column" })
export class K55UniqueColumn {
  @PrimaryGeneratedColumn() id: number;
  @Column({ unique: true }) email: string;
}
