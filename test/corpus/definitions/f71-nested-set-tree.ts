import { Column, Entity, PrimaryGeneratedColumn, Tree, TreeChildren, TreeParent } from "typeorm";

@Entity({ name: "f71_nested_set" })
@Tree("nested-set")
export class F71NestedSet {
  @PrimaryGeneratedColumn() id: number;
  @Column() name: string;
  @TreeChildren() children: F71NestedSet[];
  @TreeParent() parent: F71NestedSet;
}
