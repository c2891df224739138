import { Column, Entity, PrimaryGeneratedColumn, Tree, TreeChildren, TreeParent } from "typeorm";

@Entity({ name: "f72_path" })
@Tree("materialized-path")
export class F72Path {
  @PrimaryGeneratedColumn() id: number;
  @Column() name: string;
  @TreeChildren() children: F72Path[];
  @TreeParent() parent: F72Path;
}
