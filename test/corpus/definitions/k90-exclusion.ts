import { Column, Entity, Exclusion, PrimaryGeneratedColumn } from "typeorm";

// PostgreSQL exclusion constraints: named, with range and box expressions (PostgreSQL adds casts to the latter) and USING in upper case.
@Entity({ name: "k90_exclusion" })
@Exclusion("EX_k90_span", `USING gist (int4range("low", "high") WITH &&)`)
@Exclusion("EX_k90_closed", `USING GIST (int4range("low", "high", '[]') WITH &&, box(point("low", "low"), point("high", "high")) WITH &&)`)
export class K90Exclusion {
  @PrimaryGeneratedColumn() id: number;
  @Column() low: number;
  @Column() high: number;
}

/** A row the constraints accept (low ≤ high), for the corpus test's inserts. */
export const samples = { K90Exclusion: { low: 1, high: 2 } };
