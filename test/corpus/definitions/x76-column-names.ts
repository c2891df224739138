import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

// Explicit column names, mixed case, a reserved word.
@Entity({ name: "x76_column_names" })
export class X76ColumnNames {
  @PrimaryGeneratedColumn({ name: "row_id" }) id: number;
  @Column({ name: "UserName" }) userName: string;
  @Column({ name: "order" }) order: number;
}
