import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

// Raw SQL defaults written with casts, as PostgreSQL itself prints them.
@Entity({ name: "d29_default_casts" })
export class D29DefaultCasts {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", default: () => "'draft'::character varying" }) state: string;
  @Column({ type: "jsonb", default: () => "'{}'::jsonb" }) meta: object;
  @Column({ type: "int", default: () => "'-5'::integer" }) offset: number;
  @Column({ type: "date", default: () => "CURRENT_DATE" }) day: string;
}
