import { Column, Entity, PrimaryColumn } from "typeorm";

@Entity({ name: "g41_composite_primary" })
export class G41CompositePrimary {
  @PrimaryColumn() tenant: number;
  @PrimaryColumn() id: number;
  @Column() name: string;
}
