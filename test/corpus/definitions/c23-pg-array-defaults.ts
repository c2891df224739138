import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

export enum C23Role {
  Player = "player",
  Admin = "admin",
}

// Array defaults: a JavaScript array is written as an array literal; the
// server stores literals its own way ('{0.0, 0.0}' comes back '{0,0}').
@Entity({ name: "c23_pg_array_defaults" })
export class C23PgArrayDefaults {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "enum", enum: C23Role, enumName: "c23_role", array: true, default: [C23Role.Player] }) roles: C23Role[];
  @Column({ type: "double precision", array: true, default: "{0.0, 0.0}" }) coords: number[];
  @Column({ type: "numeric", precision: 6, scale: 2, array: true, default: "{1.50, 2}" }) amounts: string[];
  @Column({ type: "integer", array: true, default: [] }) counts: number[];
  @Column({ type: "integer", array: true, default: [3, 1, 2] }) order: number[];
  @Column({ type: "text", array: true, default: ["a", "b"] }) tags: string[];
}
