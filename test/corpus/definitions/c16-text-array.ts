import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "c16_text_array" })
export class C16TextArray {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "text", array: true }) tags: string[];
  @Column({ type: "varchar", length: 20, array: true }) codes: string[];
  @Column({ type: "text", array: true, default: "{}" }) empty: string[];
}
