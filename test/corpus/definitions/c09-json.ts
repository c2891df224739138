import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

// PostgreSQL json; SQLite's driver accepts "json" too and stores text.
@Entity({ name: "c09_json" })
export class C09Json {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "json" }) payload: object;
  @Column({ type: "json", nullable: true }) extra: object | null;
}
