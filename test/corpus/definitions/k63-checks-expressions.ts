import { Check, Column, Entity, PrimaryGeneratedColumn } from "typeorm";

// Checks compared by expression: unnamed, multi-column, with strings and IN.
@Entity({ name: "k63_checks_expressions" })
@Check(`"low" <= "high"`)
@Check("CHK_k63_kind", `"kind" IN ('a', 'b')`)
@Check("CHK_k63_name", `length("name") > 0 AND "name" <> 'it''s'`)
export class K63ChecksExpressions {
  @PrimaryGeneratedColumn() id: number;
  @Column() low: number;
  @Column() high: number;
  @Column() kind: string;
  @Column() name: string;
}

/** A row the checks accept, for the corpus test's inserts. */
export const samples = { K63ChecksExpressions: { low: 1, high: 2, kind: "a", name: "x" } };
