import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "c08_uuid_column" })
export class C08UuidColumn {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "uuid" }) external: string;
  @Column({ type: "uuid", nullable: true }) optional: string | null;
}
