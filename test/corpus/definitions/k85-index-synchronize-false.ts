import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";

// Indexes TypeORM leaves to the user: neither created nor dropped.
@Entity({ name: "k85_index_synchronize_false" })
@Index("IDX_k85_expression", { synchronize: false })
@Index("IDX_k85_managed", ["title"])
export class K85IndexSynchronizeFalse {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", length: 20 }) title: string;
  @Index("IDX_k85_code", { synchronize: false })
  @Column({ type: "integer", default: 0 })
  code: number;
}
