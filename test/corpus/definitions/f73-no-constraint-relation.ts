import { Column, Entity, ManyToOne, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "f73_owner" })
export class F73Owner {
  @PrimaryGeneratedColumn() id: number;
}

// A relation without a database constraint: a plain column, no foreign key.
@Entity({ name: "f73_item" })
export class F73Item {
  @PrimaryGeneratedColumn() id: number;
  @Column() name: string;
  @ManyToOne(() => F73Owner, { createForeignKeyConstraints: false, nullable: true }) owner: F73Owner | null;
}
