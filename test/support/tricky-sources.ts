/**
 * TypeScript files that transpiling many files at once could get wrong where
 * file by file gets them right: types another file of the same program (or
 * native compiler run) could see, imports that decorator metadata names, and
 * files the per-file path reports or treats as scripts. Both ways of
 * transpiling a cold cache together are checked on them against the
 * per-file path (test/e2e/batch-transpile.test.ts: one TypeScript 5.x
 * program; test/e2e/native-transpile.test.ts: TypeScript 7's compiler).
 */
export const TRICKY_SOURCES: Record<string, string> = {
  // A type-only import of an interface: unresolved per file, so the metadata
  // names the identifier guardedly; resolved, it would be plain Object.
  "Shape.ts": `export interface Shape { sides: number }\nexport type Colour = "red" | "blue";\nexport enum Kind { A = "a", B = "b" }\n`,
  // Every imported type in decorator metadata: per file none resolves, so each is guarded.
  "Drawing.ts": `import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import type { Shape, Colour } from "./Shape";
import { Kind } from "./Shape";
import { Owner } from "./Owner";
import * as owners from "./Owner";

@Entity()
export class Drawing {
  @PrimaryGeneratedColumn() id: number;
  @Column("simple-json") shape: Shape;
  @Column({ type: "varchar" }) colour: Colour;
  @Column({ type: "varchar" }) kind: Kind;
  @Column() owner: Owner;
  @Column() other: owners.Owner;
  @Column() at: Date;
  method(@Reflect.metadata("x", 1) value: Shape): Shape { return value; }
}
`,
  "Owner.ts": `import { Entity, PrimaryColumn } from "typeorm";\n@Entity()\nexport class Owner { @PrimaryColumn() id: string; }\n`,
  // Default and namespace imports, dynamic import(): what esModuleInterop changes.
  "Interop.ts": `import def from "some-package";\nimport * as ns from "other-package";\nexport const both = [def, ns];\nexport const later = () => import("./Owner");\n`,
  "ImportMeta.ts": `export const here = import.meta.url;\n`,
  // Not a module: its declarations are global.
  "script.ts": `declare const shared: number;\ninterface Owner { global: true }\n`,
  "Augments.ts": `export {};\ndeclare global { interface Date { extra: string } }\n`,
  "Broken.ts": `import { Entity } from "typeorm";\n@Entity()\nexport class Broken {\n  id: number =\n}\n`,
};

/** The files of TRICKY_SOURCES either way of transpiling together leaves to the per-file path. */
export const LEFT_TO_THE_PER_FILE_PATH = ["script.ts", "Augments.ts", "Broken.ts"];
