import { ChildEntity, Column, Entity, PrimaryGeneratedColumn, TableInheritance } from "typeorm";

@Entity({ name: "x74_content" })
@TableInheritance({ column: { type: "varchar", name: "kind" } })
export class X74Content {
  @PrimaryGeneratedColumn() id: number;
  @Column() title: string;
}

@ChildEntity()
export class X74Photo extends X74Content {
  @Column({ nullable: true }) size: number;
}
