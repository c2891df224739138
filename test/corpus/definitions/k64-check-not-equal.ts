import { Check, Column, Entity, PrimaryGeneratedColumn } from "typeorm";

// Checks with "not equal" both ways (PostgreSQL stores != as <>), and NOT IN
// (stored as <> ALL (ARRAY[...])).
@Entity({ name: "k64_check_not_equal" })
@Check("k64_ck_status", `"status" <> 'gone'`)
@Check("k64_ck_qty", `"qty" != 0`)
@Check("k64_ck_both", `status <> 'x' AND qty != 5`)
@Check("k64_ck_not_in", `"status" NOT IN ('gone', 'lost')`)
@Check("k64_ck_length", `length("status") <> 3`)
export class K64CheckNotEqual {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", length: 20, default: "ok" }) status: string;
  @Column({ type: "integer", default: 1 }) qty: number;
}
