import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

// Types an extension defines: the migration creates citext and hstore first.
@Entity({ name: "c24_pg_extension_types" })
export class C24PgExtensionTypes {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "citext" }) email: string;
  @Column({ type: "citext", nullable: true, default: "Unknown" }) nickname: string | null;
  @Column({ type: "hstore", nullable: true }) attributes: Record<string, string> | null;
}

export const samples = { C24PgExtensionTypes: { email: "Someone@Example.com", attributes: { colour: "red" } } };
