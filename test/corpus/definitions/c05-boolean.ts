import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "c05_boolean" })
export class C05Boolean {
  @PrimaryGeneratedColumn() id: number;
  @Column() implicit: boolean;
  @Column({ type: "boolean", nullable: true }) maybe: boolean | null;
}
