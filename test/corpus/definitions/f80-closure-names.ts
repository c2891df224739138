import { Column, Entity, PrimaryGeneratedColumn, Tree, TreeChildren, TreeParent } from "typeorm";

// A closure table with its own table and column names (an entity-less table).
@Entity({ name: "f80_node" })
@Tree("closure-table", {
  closureTableName: "f80_node_paths",
  ancestorColumnName: () => "ancestor_id",
  descendantColumnName: () => "descendant_id",
})
export class F80Node {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", length: 20 }) name: string;
  @TreeChildren() children: F80Node[];
  @TreeParent({ onDelete: "CASCADE" }) parent: F80Node | null;
}
