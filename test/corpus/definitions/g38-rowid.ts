import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "g38_rowid" })
export class G38Rowid {
  @PrimaryGeneratedColumn("rowid") id: number;
  @Column() name: string;
}
