import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "d30_default_json" })
export class D30DefaultJson {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "simple-json", default: "{}" }) settings: object;
  @Column({ type: "simple-array", default: "a,b" }) tags: string[];
}
