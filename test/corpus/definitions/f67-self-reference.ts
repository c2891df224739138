import { Column, Entity, ManyToOne, OneToMany, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "f67_category" })
export class F67Category {
  @PrimaryGeneratedColumn() id: number;
  @Column() name: string;
  @ManyToOne(() => F67Category, (c) => c.children, { nullable: true, onDelete: "CASCADE" }) parent: F67Category | null;
  @OneToMany(() => F67Category, (c) => c.parent) children: F67Category[];
}
