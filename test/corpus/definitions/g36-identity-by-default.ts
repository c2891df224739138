import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "g36_identity_by_default" })
export class G36IdentityByDefault {
  @PrimaryGeneratedColumn("identity", { generatedIdentity: "BY DEFAULT" }) id: number;
  @Column() name: string;
}
