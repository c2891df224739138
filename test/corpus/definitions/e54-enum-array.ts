import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "e54_enum_array" })
export class E54EnumArray {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "enum", enum: ["red", "green"], array: true }) colors: string[];
}
