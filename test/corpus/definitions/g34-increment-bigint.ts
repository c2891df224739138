import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "g34_increment_bigint" })
export class G34IncrementBigint {
  @PrimaryGeneratedColumn({ type: "bigint" }) id: string;
  @Column() name: string;
}
