import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

// Default expressions as people type them: the database stores its own
// spacing and keyword case, which must not read as a change.
@Entity({ name: "d36_default_expression_spelling" })
export class D36DefaultExpressionSpelling {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "time", default: () => "current_time" }) clockLower: string;
  @Column({ type: "time", default: () => "CURRENT_TIME" }) clockUpper: string;
  @Column({ type: "integer", default: () => "(1  +   2)" }) sum: number;
  @Column({ type: "varchar", length: 20, default: () => "lower( 'ABC' )" }) lowered: string;
  @Column({ type: "integer", default: () => "abs(-4)*2" }) product: number;
}
