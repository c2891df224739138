import { Column, Entity, JoinTable, ManyToMany, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "f69_tag" })
export class F69Tag {
  @PrimaryGeneratedColumn() id: number;
  @Column() name: string;
}

@Entity({ name: "f69_post" })
export class F69Post {
  @PrimaryGeneratedColumn() id: number;
  @ManyToMany(() => F69Tag) @JoinTable() tags: F69Tag[];
  @ManyToMany(() => F69Tag)
  @JoinTable({ name: "f69_post_featured", joinColumn: { name: "post" }, inverseJoinColumn: { name: "tag" } })
  featured: F69Tag[];
}
