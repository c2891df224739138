import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "k60_partial_index" })
@Index("IDX_k60_live_email", ["email"], { unique: true, where: `"deleted" = false` })
@Index("IDX_k60_big", ["amount"], { where: "amount > 100" })
export class K60PartialIndex {
  @PrimaryGeneratedColumn() id: number;
  @Column() email: string;
  @Column() deleted: boolean;
  @Column() amount: number;
}
