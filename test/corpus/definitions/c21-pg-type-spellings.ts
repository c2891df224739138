import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

// PostgreSQL's own spellings and aliases of the portable types.
@Entity({ name: "c21_pg_type_spellings" })
export class C21PgTypeSpellings {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "character varying", length: 20 }) longhand: string;
  @Column({ type: "int2" }) int2: number;
  @Column({ type: "int4" }) int4: number;
  @Column({ type: "int8" }) int8: string;
  @Column({ type: "float4" }) float4: number;
  @Column({ type: "float8" }) float8: number;
  @Column({ type: "bool" }) bool: boolean;
  @Column({ type: "timestamp without time zone" }) plain: Date;
  @Column({ type: "character", length: 4 }) fixed: string;
  @Column({ type: "char" }) single: string;
}
