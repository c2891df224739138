import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

// A STORED generated column (computed on write), NOT NULL and nullable.
@Entity({ name: "g90_generated_stored" })
export class G90GeneratedStored {
  @PrimaryGeneratedColumn() id: number;
  @Column() price: number;
  @Column() qty: number;
  @Column({ asExpression: `"price" * "qty"`, generatedType: "STORED", insert: false, update: false }) total: number;
  @Column({ type: "integer", asExpression: "price + 1", generatedType: "STORED", nullable: true, insert: false, update: false })
  next: number;
}
