import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

// jsonb stores its own spelling of a value (keys re-ordered, re-spaced):
// a default compares as the JSON value it is.
@Entity({ name: "d35_default_json_values" })
export class D35DefaultJsonValues {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "jsonb", default: { zeta: 1, alpha: [1, 2], "two words": { b: true, a: null } } }) settings: object;
  @Column({ type: "jsonb", default: ["x", { b: 2, a: 1 }] }) list: unknown[];
  @Column({ type: "jsonb", default: {} }) empty: object;
  @Column({ type: "json", default: { b: 1, a: 2 } }) plain: object;
}
