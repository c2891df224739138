import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

// PostgreSQL's aliases: timetz is time with time zone, varbit is bit varying;
// bit alone is bit(1). Each spelling must read back as what was declared.
@Entity({ name: "c22_pg_time_bit_types" })
export class C22PgTimeBitTypes {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "timetz" }) zoned: string;
  @Column({ type: "timetz", precision: 3 }) zonedMillis: string;
  @Column({ type: "time with time zone", precision: 0 }) zonedSeconds: string;
  @Column({ type: "bit" }) flag: string;
  @Column({ type: "bit", length: 4 }) nibble: string;
  @Column({ type: "varbit" }) bits: string;
  @Column({ type: "bit varying", length: 8 }) byteBits: string;
  @Column({ type: "varbit", length: 16, nullable: true }) wordBits: string | null;
}

/** bit(n) takes exactly n bits. */
export const samples = {
  C22PgTimeBitTypes: {
    zoned: "10:11:12+02",
    zonedMillis: "10:11:12.345+02",
    zonedSeconds: "10:11:12+02",
    flag: "1",
    nibble: "1010",
    bits: "101",
    byteBits: "10101010",
  },
};
