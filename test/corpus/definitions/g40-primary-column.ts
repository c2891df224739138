import { Column, Entity, PrimaryColumn } from "typeorm";

@Entity({ name: "g40_primary_column" })
export class G40PrimaryColumn {
  @PrimaryColumn({ type: "varchar", length: 32 }) slug: string;
  @Column() title: string;
}
