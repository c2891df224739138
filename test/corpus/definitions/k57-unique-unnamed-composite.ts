import { Column, Entity, PrimaryGeneratedColumn, Unique } from "typeorm";

@Entity({ name: "k57_unique_unnamed_composite" })
@Unique(["tenant", "code"])
export class K57UniqueUnnamedComposite {
  @PrimaryGeneratedColumn() id: number;
  @Column() tenant: number;
  @Column() code: string;
}
