import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

export enum E53Level {
  Low = 1,
  High = 2,
}

@Entity({ name: "e53_simple_enum_numeric" })
export class E53SimpleEnumNumeric {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "simple-enum", enum: E53Level }) level: E53Level;
  @Column({ type: "simple-enum", enum: ["a", "b"], nullable: true }) letter: string | null;
}
