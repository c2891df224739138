import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

export enum E52Status {
  Open = "open",
  Closed = "closed",
}

// SQLite: the CHECK ("status" IN (...)) TypeORM writes; PostgreSQL: a native enum.
@Entity({ name: "e52_simple_enum" })
export class E52SimpleEnum {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "simple-enum", enum: E52Status, default: E52Status.Open }) status: E52Status;
}
