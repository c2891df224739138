import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "c11_simple_json" })
export class C11SimpleJson {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "simple-json" }) settings: { theme: string };
  @Column({ type: "simple-json", nullable: true }) extra: object | null;
}
