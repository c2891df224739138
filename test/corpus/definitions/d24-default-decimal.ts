import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "d24_default_decimal" })
export class D24DefaultDecimal {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "decimal", precision: 10, scale: 2, default: 9.99 }) price: string;
  @Column({ type: "decimal", precision: 10, scale: 2, default: "0.50" }) fee: string;
  @Column({ type: "real", default: 1.5 }) ratio: number;
  @Column({ type: "double precision", default: -0.25 }) delta: number;
}
