import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "e51_enum_named_default" })
export class E51EnumNamedDefault {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "enum", enum: ["low", "high", "it's"], enumName: "e51_level", default: "low" }) level: string;
  @Column({ type: "enum", enum: ["x", "y"], nullable: true }) axis: string | null;
}
