import { Column, DeleteDateColumn, Entity, PrimaryGeneratedColumn, VersionColumn } from "typeorm";

// Version and soft-delete columns with their own names, a version default
// (what a table with rows needs to gain one), next to a plain column.
@Entity({ name: "s82_version_delete_date_names" })
export class S82VersionDeleteDateNames {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", length: 20 }) title: string;
  @VersionColumn({ name: "row_version", default: 1 }) rowVersion: number;
  @DeleteDateColumn({ name: "removed_at" }) removedAt: Date | null;
}
