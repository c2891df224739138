import { Column, Entity, PrimaryGeneratedColumn, Unique } from "typeorm";

@Entity({ name: "k56_unique_named_composite" })
@Unique("UQ_k56_first_last", ["first", "last"])
export class K56UniqueNamedComposite {
  @PrimaryGeneratedColumn() id: number;
  @Column() first: string;
  @Column() last: string;
}
