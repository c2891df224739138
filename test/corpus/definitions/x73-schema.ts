import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

// PostgreSQL: an entity in a schema other than public.
@Entity({ name: "x73_schema", schema: "x73_reports" })
export class X73Schema {
  @PrimaryGeneratedColumn() id: number;
  @Column() title: string;
}
