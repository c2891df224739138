import { Column, Entity, Generated, PrimaryColumn } from "typeorm";

// A sequence-backed column that is not the primary key (PostgreSQL serial).
@Entity({ name: "g39_generated_non_primary" })
export class G39GeneratedNonPrimary {
  @PrimaryColumn() code: string;
  @Column() @Generated("increment") counter: number;
  @Column() @Generated("uuid") token: string;
}
