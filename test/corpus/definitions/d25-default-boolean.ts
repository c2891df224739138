import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "d25_default_boolean" })
export class D25DefaultBoolean {
  @PrimaryGeneratedColumn() id: number;
  @Column({ default: true }) yes: boolean;
  @Column({ default: false }) no: boolean;
  @Column({ type: "boolean", default: () => "false" }) raw: boolean;
}
