import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";

// PostgreSQL index method: TypeORM's `spatial` index is USING GiST.
@Entity({ name: "k61_index_gist" })
export class K61IndexGist {
  @PrimaryGeneratedColumn() id: number;
  @Index("IDX_k61_spot", { spatial: true }) @Column({ type: "point" }) spot: string;
}
