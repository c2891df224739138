import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

// An arbitrary SQL expression as a default.
@Entity({ name: "d32_default_expression" })
export class D32DefaultExpression {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "int", default: () => "(1 + 2)" }) three: number;
  @Column({ type: "varchar", default: () => "lower('ABC')" }) lowered: string;
}
