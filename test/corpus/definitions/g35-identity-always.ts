import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "g35_identity_always" })
export class G35IdentityAlways {
  @PrimaryGeneratedColumn("identity", { generatedIdentity: "ALWAYS" }) id: number;
  @Column() name: string;
}
