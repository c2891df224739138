import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

export enum E83Priority {
  Low = 1,
  High = 2,
}

// A number as the default of an enum: the label spelled the same ('1'); on
// PostgreSQL a bare 1 would be refused as the default of an enum type.
@Entity({ name: "e83_simple_enum_numeric_default" })
export class E83SimpleEnumNumericDefault {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "simple-enum", enum: E83Priority, default: E83Priority.Low }) priority: E83Priority;
  @Column({ type: "simple-enum", enum: ["1", "2", "3"], default: 2 }) grade: string;
}
