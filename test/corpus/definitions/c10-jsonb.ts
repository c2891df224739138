import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "c10_jsonb" })
export class C10Jsonb {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "jsonb" }) document: object;
  @Column({ type: "jsonb", nullable: true }) extra: object | null;
}
