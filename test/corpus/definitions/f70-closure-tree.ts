import { Column, Entity, PrimaryGeneratedColumn, Tree, TreeChildren, TreeParent } from "typeorm";

@Entity({ name: "f70_closure" })
@Tree("closure-table")
export class F70Closure {
  @PrimaryGeneratedColumn() id: number;
  @Column() name: string;
  @TreeChildren() children: F70Closure[];
  @TreeParent() parent: F70Closure;
}
