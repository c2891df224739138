import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "f66_account" })
export class F66Account {
  @PrimaryColumn() tenant: number;
  @PrimaryColumn() number: number;
  @Column() label: string;
}

@Entity({ name: "f66_entry" })
export class F66Entry {
  @PrimaryGeneratedColumn() id: number;
  @ManyToOne(() => F66Account, { onDelete: "CASCADE" })
  @JoinColumn([
    { name: "account_tenant", referencedColumnName: "tenant" },
    { name: "account_number", referencedColumnName: "number" },
  ])
  account: F66Account;
}
