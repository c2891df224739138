import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

// SQLite: VIRTUAL generated columns (computed on read), explicit and by default.
@Entity({ name: "g91_generated_virtual" })
export class G91GeneratedVirtual {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar" }) label: string;
  @Column({ type: "varchar", asExpression: "upper(label)", generatedType: "VIRTUAL", insert: false, update: false }) shout: string;
  @Column({ type: "integer", asExpression: "length(label)", insert: false, update: false }) size: number;
}
