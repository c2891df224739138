import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

export enum E50Role {
  Admin = "admin",
  Member = "member",
}

@Entity({ name: "e50_enum" })
export class E50Enum {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "enum", enum: E50Role }) role: E50Role;
}
