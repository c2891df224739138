import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";

// Two indexes on the same columns in opposite orders are different indexes.
@Entity({ name: "k58_index_column_order" })
@Index("IDX_k58_a_b", ["a", "b"])
@Index("IDX_k58_b_a", ["b", "a"])
export class K58IndexColumnOrder {
  @PrimaryGeneratedColumn() id: number;
  @Column() a: number;
  @Column() b: number;
}
