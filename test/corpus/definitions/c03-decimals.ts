import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "c03_decimals" })
export class C03Decimals {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "decimal", precision: 10, scale: 2 }) price: string;
  @Column({ type: "numeric", precision: 6 }) rough: string;
  @Column({ type: "decimal", precision: 12, scale: 4 }) exact: string;
  @Column({ type: "numeric" }) unbounded: string;
}
