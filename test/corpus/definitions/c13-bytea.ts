import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "c13_bytea" })
export class C13Bytea {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "bytea" }) data: Buffer;
}
