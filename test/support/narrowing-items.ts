/**
 * The entity both data-check suites narrow (test/e2e/changes-stops.test.ts for
 * op() migrations, test/e2e/changes-stops-sql.test.ts for --sql ones): v2
 * shortens `title` and makes `note` NOT NULL without a default, and the seed
 * holds two rows that break each change.
 */
export const ITEMS_V1 = `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity({ name: "items" })
export class Item {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: "varchar", length: 100 }) title: string;
  @Column({ type: "varchar", length: 20, nullable: true }) note: string | null;
}
`;

export const ITEMS_V2 = ITEMS_V1.replace("length: 100", "length: 5").replace("length: 20, nullable: true", "length: 20");

export const ITEMS_SEED = [
  `INSERT INTO items (title, note) VALUES ('a long title', NULL)`,
  `INSERT INTO items (title, note) VALUES ('ok', 'x')`,
  `INSERT INTO items (title, note) VALUES ('another long one', NULL)`,
];

export const ALL_ITEMS = `SELECT id, title, note FROM items ORDER BY id`;

/** The rows once the NULL notes are filled with '' and v2 has run (titles cut to 5). */
export const ITEMS_AFTER_V2 = [
  { id: "1", title: "a lon", note: "" },
  { id: "2", title: "ok", note: "x" },
  { id: "3", title: "anoth", note: "" },
];
