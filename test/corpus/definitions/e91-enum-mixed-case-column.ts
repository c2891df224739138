import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

// TypeORM names the enum type after the lower-cased column name.
@Entity({ name: "e91_enum_mixed_case" })
export class E91EnumMixedCase {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "simple-enum", enum: ["on", "off"], default: "on" }) powerState: string;
  @Column({ type: "simple-enum", enum: ["a", "b"], nullable: true }) letterKind: string;
}
