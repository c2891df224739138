import { Column, Entity, PrimaryGeneratedColumn, VersionColumn } from "typeorm";

@Entity({ name: "s45_version" })
export class S45Version {
  @PrimaryGeneratedColumn() id: number;
  @Column() name: string;
  @VersionColumn() version: number;
}
