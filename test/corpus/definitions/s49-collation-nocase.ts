import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "s49_collation_nocase" })
export class S49CollationNocase {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", collation: "NOCASE" }) email: string;
}
