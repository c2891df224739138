import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "c17_network_types" })
export class C17NetworkTypes {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "inet" }) address: string;
  @Column({ type: "cidr" }) network: string;
  @Column({ type: "macaddr" }) mac: string;
}
