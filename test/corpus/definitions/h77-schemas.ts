import { Column, Entity, Index, ManyToMany, JoinTable, ManyToOne, PrimaryGeneratedColumn, Unique } from "typeorm";

export enum H77Kind {
  Person = "person",
  Company = "company",
}

@Entity({ name: "h77_customer", schema: "h77_sales" })
export class H77Customer {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "enum", enum: H77Kind, default: H77Kind.Person }) kind: H77Kind;
  @Column({ type: "varchar", length: 40 }) name: string;
}

@Entity("h77_invoice", { schema: "h77_billing" })
@Unique(["number"])
export class H77Invoice {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", length: 20 }) number: string;
  @Index() @Column({ type: "integer", default: 0 }) total: number;
  @ManyToOne(() => H77Customer, { onDelete: "CASCADE" }) customer: H77Customer;
  @ManyToMany(() => H77Tag) @JoinTable({ name: "h77_invoice_tags" }) tags: H77Tag[];
}

@Entity({ name: "h77_tag", schema: "h77_billing" })
export class H77Tag {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", length: 20 }) label: string;
}

/** In the default schema, referencing a table in another one. */
@Entity({ name: "h77_note" })
export class H77Note {
  @PrimaryGeneratedColumn() id: number;
  @ManyToOne(() => H77Invoice, { nullable: true }) invoice: H77Invoice | null;
}
