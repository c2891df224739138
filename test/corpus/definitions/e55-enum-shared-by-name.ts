import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

// One enum type, declared with its values by one column and used by its
// name alone (enumName, no values) by others, in the same table and in another.
@Entity({ name: "e55_enum_shared" })
export class E55EnumShared {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "enum", enum: ["low", "high"], enumName: "e55_level" }) level: string;
  @Column({ type: "enum", enumName: "e55_level", default: "low" }) fallback: string;
}

@Entity({ name: "e55_enum_shared_other" })
export class E55EnumSharedOther {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "enum", enumName: "e55_level", nullable: true }) level: string | null;
}

export const samples = { E55EnumShared: { level: "high" } };
