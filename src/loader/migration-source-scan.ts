/**
 * A migration's facts (class name, `transaction` flag) read token by token,
 * without TypeScript, when the file is exactly in the shape `generate`
 * writes: loading TypeScript 5.x to parse it cost ≈ 0.5 s of a cold-cache
 * `generate` whose other files the native compiler transpiles
 * (native-transpile.ts), and its syntax tree ≈ 90 MB at 1000 tables.
 *
 * The grammar is a small subset of TypeScript, and every file it accepts is
 * valid TypeScript that migration-source-facts.ts's parser reads to the
 * same facts (test/unit/migration-source-facts.test.ts compares them):
 *
 *     import { A, B } from "typeorm";          (typeorm and athanor only; `import type` too)
 *     const online = { key: "literal", … };    (literals only)
 *     export class Name implements MigrationInterface {
 *       name = "Name";
 *       transaction = false;                    (optional)
 *       public async up(queryRunner: QueryRunner): Promise<void> {
 *         await op(queryRunner).createTable({ … });   (calls on literals)
 *         await queryRunner.query(`…`);
 *       }
 *       public async down(…) { … }
 *     }
 *
 * Anything else (a statement of another kind, a regular expression, a
 * template with a substitution, an escape or number form outside the
 * common ones, a syntax error) gives undefined, and the caller reads the
 * file with TypeScript's parser as before.
 *
 * It also tells whether every statement of `up` and `down` is one of the two
 * calls above exactly — `op(<the method's parameter>[, <name or literal>])`
 * (`op` imported from athanor) then one method call, or `<the parameter>.query(…)` —
 * with literals as arguments: such code reaches the database only through
 * SQL, never TypeORM's entity metadata (repositories, the manager), so
 * `run` need not build it (commands/entity-metadata-for-code.ts).
 */
import type { MigrationFacts } from "./migration-facts";

type Token =
  | { kind: "name"; text: string }
  | { kind: "string"; text: string }
  | { kind: "number" }
  | { kind: "punct"; text: string }
  | { kind: "end" };

/** Thrown inside the scanner for anything outside the grammar; never escapes it. */
class NotGenerated extends Error {}

const ALLOWED_IMPORTS = new Set(["typeorm", "athanor"]);

const RESERVED = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false finally for function if import in " +
    "instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface " +
    "package private protected public await async"
  ).split(" "),
);

const PUNCTUATION = new Set(["{", "}", "(", ")", "[", "]", ";", ",", ".", ":", "=", "<", ">", "-"]);

const NUMBER = /(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

/**
 * Literal data two levels deep, without comments, templates or names as
 * values: an object or array whose values are literals, arrays of literals,
 * or objects and arrays of those (a createTable's argument, most of a
 * generated migration's bytes). `value()` skips one with a single match of
 * this (V8's compiled regular expression, where reading it token by token
 * runs in V8's interpreter on a cold start: a 200-table Init ≈ 3 × faster).
 * It matches only what the token-by-token reading accepts, ending where that
 * ends; anything else does not match, and is read token by token.
 */
const FLAT_LITERAL = (() => {
  const ws = "[ \\t\\n\\r]*";
  const escape = "\\\\(?:[nrtbfv'\"\\\\`$]|0(?![0-9])|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2})";
  // Unrolled ("a run of plain characters, then escapes each followed by one"): no alternation per character.
  const string = `"[^"\\\\\\n\\r]*(?:${escape}[^"\\\\\\n\\r]*)*"|'[^'\\\\\\n\\r]*(?:${escape}[^'\\\\\\n\\r]*)*'`;
  const number = `(?:-${ws})?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?`;
  const literal = `(?:${string}|${number}|true|false|null)`;
  const key = `(?:[A-Za-z_$][A-Za-z0-9_$]*|${string})`;
  // Each element, then a comma or the closing bracket: `[1, 2,]` and `[]`, never `[,]` or `[1 2]`.
  // Every part appears once, so that compiling the expression (on its first use) stays cheap.
  const list = (open: string, element: string, close: string) => `\\${open}${ws}(?:${element}${ws}(?:,${ws}|(?=\\${close})))*\\${close}`;
  const array = list("[", literal, "]");
  const flatObject = list("{", `${key}${ws}:${ws}(?:${literal}|${array})`, "}");
  // One level deeper: values may also be flat objects and arrays of them (a createTable's argument).
  const deepArray = list("[", `(?:${literal}|${flatObject})`, "]");
  const object = list("{", `${key}${ws}:${ws}(?:${literal}|${flatObject}|${deepArray})`, "}");
  return new RegExp(`(?:${object}|${deepArray})`, "y");
})();

/** What ends a plain run inside each kind of string: its quote, a backslash, a line break; in a template `$`. */
const DOUBLE_SPECIAL = /["\\\n\r]/g;
const SINGLE_SPECIAL = /['\\\n\r]/g;
const TEMPLATE_SPECIAL = /[`\\$\r]/g;

const SIMPLE_ESCAPES: Record<string, string> = {
  n: "\n",
  r: "\r",
  t: "\t",
  b: "\b",
  f: "\f",
  v: "\v",
  '"': '"',
  "'": "'",
  "\\": "\\",
  "`": "`",
  $: "$",
};

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isNameStart(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 36;
}

function isNamePart(code: number): boolean {
  return isNameStart(code) || isDigit(code);
}

/** The facts, or undefined when `source` is not exactly in the generated shape. */
export function scanGeneratedMigration(source: string): MigrationFacts | undefined {
  const scanned = scanGeneratedMigrationCalls(source);
  return scanned && { name: scanned.name, transaction: scanned.transaction };
}

/**
 * The facts and whether the methods call only `op()` and `queryRunner.query`
 * (see above), or undefined when `source` is not exactly in the generated shape.
 */
export function scanGeneratedMigrationCalls(source: string): (MigrationFacts & { callsOnlyOperations: boolean }) | undefined {
  try {
    const scanner = new Scanner(source);
    const facts = scanner.file();
    return { ...facts, callsOnlyOperations: scanner.callsOnlyOperations };
  } catch (error) {
    if (error instanceof NotGenerated) return undefined;
    throw error;
  }
}

class Scanner {
  private at = 0;
  /** Where the current token starts. */
  private tokenStart = 0;
  private token: Token;
  /** Whether every call so far is an op() call or the parameter's `query` (see the file's comment). */
  callsOnlyOperations = true;
  /** Local names of `op` imported from athanor. */
  private readonly opNames = new Set<string>();
  /** The first parameter of the method being read (the query runner). */
  private parameter: string | undefined;

  constructor(private readonly text: string) {
    this.token = this.read();
  }

  file(): MigrationFacts {
    let facts: MigrationFacts | undefined;
    while (this.token.kind !== "end") {
      if (this.isName("import")) this.importDeclaration();
      else if (this.isName("const")) this.plainData();
      else if (this.isName("export") && !facts) facts = this.migrationClass();
      else throw new NotGenerated();
    }
    if (!facts) throw new NotGenerated();
    return facts;
  }

  /** `import { A, B as C } from "typeorm";`, `import type { … } from "typeorm";` */
  private importDeclaration(): void {
    this.next();
    const typeOnly = this.isName("type");
    if (typeOnly) this.next();
    this.expect("{");
    const ops: string[] = [];
    while (!this.isPunct("}")) {
      const imported = this.identifier();
      let local = imported;
      if (this.isName("as")) {
        this.next();
        local = this.identifier();
      }
      if (imported === "op") ops.push(local);
      if (!this.isPunct("}")) this.expect(",");
    }
    this.next();
    this.expectName("from");
    if (this.token.kind !== "string" || !ALLOWED_IMPORTS.has(this.token.text)) throw new NotGenerated();
    if (this.token.text === "athanor" && !typeOnly) for (const name of ops) this.opNames.add(name);
    this.next();
    this.expect(";");
  }

  /** `const online = { lockTimeout: "5s", retries: 3 };` */
  private plainData(): void {
    this.next();
    this.identifier();
    this.expect("=");
    this.expect("{");
    while (!this.isPunct("}")) {
      this.propertyName(false);
      this.expect(":");
      if (this.token.kind === "string" || this.token.kind === "number" || this.isName("true") || this.isName("false")) this.next();
      else throw new NotGenerated();
      if (!this.isPunct("}")) this.expect(",");
    }
    this.next();
    this.expect(";");
  }

  private migrationClass(): MigrationFacts {
    this.next();
    this.expectName("class");
    this.identifier();
    if (this.isName("implements")) {
      this.next();
      this.typeName();
      while (this.isPunct(",")) {
        this.next();
        this.typeName();
      }
    }
    this.expect("{");
    let name: string | undefined;
    let transaction: boolean | undefined;
    const methods = new Set<string>();
    while (!this.isPunct("}")) {
      if (this.isName("name") && name === undefined && this.peekIsPunct("=")) {
        this.next();
        this.next();
        if (this.token.kind !== "string") throw new NotGenerated();
        name = this.token.text;
        this.next();
        this.expect(";");
      } else if (this.isName("transaction") && transaction === undefined && this.peekIsPunct("=")) {
        this.next();
        this.next();
        if (!this.isName("true") && !this.isName("false")) throw new NotGenerated();
        transaction = this.isName("true");
        this.next();
        this.expect(";");
      } else {
        methods.add(this.method(methods));
      }
    }
    this.next();
    // `instance.name || cls.name`: an empty name would be the class's.
    if (!name || methods.size !== 2) throw new NotGenerated();
    return { name, transaction: transaction ?? true };
  }

  /** `public async up(queryRunner: QueryRunner): Promise<void> { await …; … }` */
  private method(seen: Set<string>): string {
    if (this.isName("public")) this.next();
    this.expectName("async");
    const name = this.token.kind === "name" ? this.token.text : "";
    if ((name !== "up" && name !== "down") || seen.has(name)) throw new NotGenerated();
    this.next();
    this.expect("(");
    this.parameter = this.token.kind === "name" ? this.token.text : undefined;
    while (!this.isPunct(")")) {
      this.identifier();
      if (this.isPunct(":")) {
        this.next();
        this.typeReference();
      }
      if (!this.isPunct(")")) this.expect(",");
    }
    this.next();
    if (this.isPunct(":")) {
      this.next();
      this.typeReference();
    }
    this.expect("{");
    while (!this.isPunct("}")) {
      this.expectName("await");
      this.call();
      this.expect(";");
    }
    this.next();
    return name;
  }

  /** `op(queryRunner).createTable({ … })`, `queryRunner.query("…")`: a name, then member accesses and calls. */
  private call(): void {
    const head = this.identifier();
    // The chain as a pattern: "(" for a call with its argument identifiers, ".name" for a member.
    const chain: string[] = [];
    let called = false;
    for (;;) {
      if (this.isPunct(".")) {
        this.next();
        // After a dot any name is a property, reserved words included.
        if (this.token.kind !== "name") throw new NotGenerated();
        chain.push(`.${this.token.text}`);
        this.next();
      } else if (this.isPunct("(")) {
        this.next();
        const names: string[] = [];
        while (!this.isPunct(")")) {
          if (this.token.kind === "name" && !RESERVED.has(this.token.text)) names.push(this.token.text);
          this.value();
          if (!this.isPunct(")")) this.expect(",");
        }
        this.next();
        chain.push(`(${names.join(",")})`);
        called = true;
      } else {
        break;
      }
    }
    if (!called) throw new NotGenerated();
    if (!this.isOperationCall(head, chain)) this.callsOnlyOperations = false;
  }

  /**
   * `op(<parameter>)` or `op(<parameter>, <name or literal>)`, then `.method(<literals>)`;
   * or `<parameter>.query(<literals>)`. (A name as a top-level argument is
   * the only identifier `value()` lets through; nested ones stay inside
   * object and array literals, which are data.)
   */
  private isOperationCall(head: string, chain: string[]): boolean {
    const parameter = this.parameter;
    if (parameter === undefined) return false;
    if (head === parameter) return chain.length === 2 && chain[0] === ".query" && chain[1] === "()";
    if (!this.opNames.has(head) || chain.length !== 3) return false;
    const [opArguments, method, methodArguments] = chain;
    const names = opArguments.slice(1, -1).split(",");
    return names[0] === parameter && names.length <= 2 && method.startsWith(".") && methodArguments === "()";
  }

  private value(): void {
    const token = this.token;
    if (token.kind === "string" || token.kind === "number") return this.next();
    if (this.isPunct("-")) {
      this.next();
      if (this.token.kind !== "number") throw new NotGenerated();
      return this.next();
    }
    if (this.isName("true") || this.isName("false") || this.isName("null")) return this.next();
    if (token.kind === "name") return void this.identifier();
    if (this.isPunct("[") || this.isPunct("{")) {
      FLAT_LITERAL.lastIndex = this.tokenStart;
      if (FLAT_LITERAL.test(this.text)) {
        this.at = FLAT_LITERAL.lastIndex;
        return this.next();
      }
    }
    if (this.isPunct("[")) {
      this.next();
      while (!this.isPunct("]")) {
        this.value();
        if (!this.isPunct("]")) this.expect(",");
      }
      return this.next();
    }
    if (this.isPunct("{")) {
      this.next();
      while (!this.isPunct("}")) {
        this.propertyName(true);
        this.expect(":");
        this.value();
        if (!this.isPunct("}")) this.expect(",");
      }
      return this.next();
    }
    throw new NotGenerated();
  }

  /** An object literal's key: a name (reserved words too) or, where allowed, a string. */
  private propertyName(strings: boolean): void {
    if (this.token.kind === "name" || (strings && this.token.kind === "string")) return this.next();
    throw new NotGenerated();
  }

  /** `Promise<void>`, `QueryRunner`, `typeorm.QueryRunner`. */
  private typeReference(): void {
    this.typeName();
    if (this.isPunct("<")) {
      this.next();
      this.typeReference();
      while (this.isPunct(",")) {
        this.next();
        this.typeReference();
      }
      this.expect(">");
    }
  }

  private typeName(): void {
    // `void` is a keyword but a type.
    if (this.isName("void")) return this.next();
    this.identifier();
    while (this.isPunct(".")) {
      this.next();
      this.identifier();
    }
  }

  private identifier(): string {
    if (this.token.kind !== "name" || RESERVED.has(this.token.text)) throw new NotGenerated();
    const name = this.token.text;
    this.next();
    return name;
  }

  private expect(punctuation: string): void {
    if (!this.isPunct(punctuation)) throw new NotGenerated();
    this.next();
  }

  private expectName(name: string): void {
    if (!this.isName(name)) throw new NotGenerated();
    this.next();
  }

  private isPunct(text: string): boolean {
    return this.token.kind === "punct" && this.token.text === text;
  }

  private isName(text: string): boolean {
    return this.token.kind === "name" && this.token.text === text;
  }

  private peekIsPunct(text: string): boolean {
    const saved = this.at;
    const savedStart = this.tokenStart;
    const token = this.read();
    this.at = saved;
    this.tokenStart = savedStart;
    return token.kind === "punct" && token.text === text;
  }

  private next(): void {
    this.token = this.read();
  }

  /** The next token after whitespace and comments. */
  private read(): Token {
    const text = this.text;
    for (;;) {
      const code = text.charCodeAt(this.at);
      if (code === 32 || code === 10 || code === 9 || code === 13) {
        this.at++;
      } else if (code === 47 /* / */ && text.charCodeAt(this.at + 1) === 47) {
        const end = text.indexOf("\n", this.at);
        this.at = end < 0 ? text.length : end;
      } else if (code === 47 && text.charCodeAt(this.at + 1) === 42 /* * */) {
        const end = text.indexOf("*/", this.at + 2);
        if (end < 0) throw new NotGenerated();
        this.at = end + 2;
      } else {
        break;
      }
    }
    const start = this.at;
    this.tokenStart = start;
    if (start >= text.length) return { kind: "end" };
    const char = text[start];
    if (isNameStart(text.charCodeAt(start))) {
      let at = start + 1;
      while (isNamePart(text.charCodeAt(at))) at++;
      this.at = at;
      // A non-ASCII letter or an escape in a name: outside the grammar.
      if (text.charCodeAt(at) > 0x7f || text[at] === "\\") throw new NotGenerated();
      return { kind: "name", text: text.slice(start, at) };
    }
    if (isDigit(text.charCodeAt(start))) {
      // Decimal only; no leading zero before another digit (a legacy octal), no separators.
      NUMBER.lastIndex = start;
      NUMBER.exec(text);
      this.at = NUMBER.lastIndex;
      if (isNamePart(text.charCodeAt(this.at)) || text[this.at] === ".") throw new NotGenerated();
      return { kind: "number" };
    }
    if (char === '"' || char === "'" || char === "`") return { kind: "string", text: this.string(char) };
    if (PUNCTUATION.has(char)) {
      this.at++;
      return { kind: "punct", text: char };
    }
    throw new NotGenerated();
  }

  /** A string or a template without substitutions, its value (escapes decoded), from the quote at `this.at`. */
  private string(quote: string): string {
    const text = this.text;
    const special = quote === "`" ? TEMPLATE_SPECIAL : quote === '"' ? DOUBLE_SPECIAL : SINGLE_SPECIAL;
    let value = "";
    let at = this.at + 1;
    for (;;) {
      // The plain run up to the next character that needs a look.
      special.lastIndex = at;
      const found = special.exec(text);
      if (!found) throw new NotGenerated();
      value += text.slice(at, found.index);
      at = found.index;
      const char = text[at];
      if (char === quote) break;
      if (char === "\\") {
        const escaped = text[at + 1];
        if (escaped !== undefined && escaped in SIMPLE_ESCAPES) {
          value += SIMPLE_ESCAPES[escaped];
          at += 2;
        } else if (escaped === "0" && !isDigit(text.charCodeAt(at + 2))) {
          value += "\0";
          at += 2;
        } else if (escaped === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(at + 2, at + 6))) {
          value += String.fromCharCode(parseInt(text.slice(at + 2, at + 6), 16));
          at += 6;
        } else if (escaped === "x" && /^[0-9a-fA-F]{2}$/.test(text.slice(at + 2, at + 4))) {
          value += String.fromCharCode(parseInt(text.slice(at + 2, at + 4), 16));
          at += 4;
        } else {
          throw new NotGenerated();
        }
        continue;
      }
      if (char === "$") {
        // `${` in a template is a substitution; a lone `$` is text.
        if (text[at + 1] === "{") throw new NotGenerated();
        value += char;
        at++;
        continue;
      }
      // A line break inside a quoted string (U+2028 and U+2029 are allowed there since ES2019).
      throw new NotGenerated();
    }
    this.at = at + 1;
    return value;
  }
}
