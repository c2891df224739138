import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

// A native PostgreSQL enum of digit labels with a numeric default: DEFAULT '1'.
@Entity({ name: "e84_enum_numeric_default" })
export class E84EnumNumericDefault {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "enum", enum: ["1", "2", "3"], default: 1 }) level: string;
  @Column({ type: "enum", enum: ["0", "10"], enumName: "e84_score", default: 10, nullable: true }) score: string | null;
}
