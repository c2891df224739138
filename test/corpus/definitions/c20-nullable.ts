import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "c20_nullable" })
export class C20Nullable {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", nullable: true }) name: string | null;
  @Column({ type: "int", nullable: true }) count: number | null;
  @Column({ type: "int", nullable: false }) required: number;
}
