import { Check, Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "k62_check" })
@Check("CHK_k62_age", `"age" >= 0`)
export class K62Check {
  @PrimaryGeneratedColumn() id: number;
  @Column() age: number;
}
