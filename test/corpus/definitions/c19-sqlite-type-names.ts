import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

// Type names only TypeORM's SQLite driver accepts.
@Entity({ name: "c19_sqlite_type_names" })
export class C19SqliteTypeNames {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "tinyint" }) tiny: number;
  @Column({ type: "mediumint" }) medium: number;
  @Column({ type: "int2" }) int2: number;
  @Column({ type: "int8" }) int8: number;
  @Column({ type: "unsigned big int" }) unsignedBig: number;
  @Column({ type: "nvarchar", length: 30 }) wide: string;
  @Column({ type: "nchar", length: 2 }) wideChar: string;
  @Column({ type: "clob" }) clob: string;
  @Column({ type: "datetime" }) at: Date;
  @Column({ type: "double" }) dbl: number;
}
