import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "c18_pg_misc_types" })
export class C18PgMiscTypes {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "interval" }) span: string;
  @Column({ type: "money" }) cost: string;
  @Column({ type: "tsvector" }) search: string;
  @Column({ type: "xml" }) markup: string;
  @Column({ type: "point" }) spot: string;
}
