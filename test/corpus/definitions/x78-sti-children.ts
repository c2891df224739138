import { ChildEntity, Column, Entity, PrimaryGeneratedColumn, TableInheritance } from "typeorm";

// Two children with their own discriminator values; their columns share the
// parent's table and are nullable there, even where a child declares them NOT NULL.
@Entity({ name: "x78_vehicle" })
@TableInheritance({ column: { type: "varchar", name: "vehicle_kind", length: 16 } })
export class X78Vehicle {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", length: 30 }) label: string;
}

@ChildEntity("car")
export class X78Car extends X78Vehicle {
  @Column({ type: "integer" }) doors: number;
  @Column({ type: "varchar", length: 10, default: "petrol" }) fuel: string;
}

@ChildEntity("boat")
export class X78Boat extends X78Vehicle {
  @Column({ type: "decimal", precision: 6, scale: 2 }) draft: string;
  @Column({ type: "boolean", nullable: true }) sails: boolean | null;
}
