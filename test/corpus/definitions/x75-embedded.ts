import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

export class X75Address {
  @Column() street: string;
  @Column({ nullable: true }) city: string;
}

@Entity({ name: "x75_embedded" })
export class X75Embedded {
  @PrimaryGeneratedColumn() id: number;
  @Column(() => X75Address) home: X75Address;
}
