import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "k59_index_unnamed_unique" })
@Index(["slug"], { unique: true })
export class K59IndexUnnamedUnique {
  @PrimaryGeneratedColumn() id: number;
  @Column() slug: string;
  @Index() @Column() rank: number;
}
