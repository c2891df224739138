import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "c14_blob" })
export class C14Blob {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "blob" }) data: Buffer;
  @Column({ nullable: true }) implicit: Buffer;
}
