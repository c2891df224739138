/**
 * One key for SQL expressions that MySQL/MariaDB store as the same
 * expression, however they are spelled: the entity's text (`"price" > 0`,
 * `` `price` > 0 ``, `(price > 0)`, `NOT (price < 0)`, `name <> _utf8mb4'x'`)
 * and what the server prints back (CHECK_CLAUSE, COLUMN_DEFAULT,
 * GENERATION_EXPRESSION), which it re-prints from its parse tree: names in
 * backticks, keywords and functions in lower case, only the parentheses
 * precedence needs, charset introducers on literals, `!=` as `<>`, `NOT (a <
 * b)` as `a >= b`, `x NOT IN ('z')` as `x <> 'z'`, `TRUE` as 1, `+1` as 1,
 * `lower` as `lcase`, `length` as `octet_length`.
 *
 * Both sides are parsed (MySQL's operator precedence) into a tree and
 * printed in prefix form, so parentheses and spaces vanish by construction;
 * the rewrites the server makes are made on both sides. Every rewrite keeps
 * the expression's value, so two keys are equal only where the server
 * computes the same thing. An expression the parser does not know (CASE is
 * known, INTERVAL arithmetic is not) has no key: the caller falls back on
 * comparing text.
 */

type Token =
  | { kind: "string"; value: string }
  | { kind: "number"; text: string }
  | { kind: "name"; text: string }
  | { kind: "word"; text: string }
  | { kind: "op"; text: string };

type Node = string | { op: string; args: Node[] };

/** The expression's key, or undefined where it cannot be read. */
export function expressionKey(sql: string): string | undefined {
  try {
    const parser = new Parser(tokenize(sql));
    const tree = parser.expression(0);
    if (!parser.atEnd()) return undefined;
    return print(tree);
  } catch {
    return undefined;
  }
}

const TOKEN =
  /\s+|(?:_[a-z0-9]+\s*|n(?='))?'((?:[^'\\]|''|\\.)*)'|`((?:[^`]|``)*)`|"((?:[^"]|"")*)"|(\d+\.?\d*(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?)|([a-z_$][a-z0-9_$]*)|(<=>|<>|!=|<=|>=|<<|>>|&&|\|\||[=<>+\-*/%!~^&|(),.])/giy;

function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < sql.length) {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(sql);
    if (!match || match.index !== at) throw new Error(`unreadable at ${at}`);
    const [, string, backticked, quoted, number, word, op] = match;
    if (string !== undefined) tokens.push({ kind: "string", value: stringValue(string) });
    else if (backticked !== undefined) tokens.push({ kind: "name", text: backticked.replace(/``/g, "`").toLowerCase() });
    else if (quoted !== undefined) tokens.push({ kind: "name", text: quoted.replace(/""/g, '"').toLowerCase() });
    else if (number !== undefined) tokens.push({ kind: "number", text: number });
    else if (word !== undefined) tokens.push({ kind: "word", text: word.toLowerCase() });
    else if (op !== undefined) tokens.push({ kind: "op", text: op });
  }
  return tokens;
}

/** A literal's value: backslash escapes (MariaDB prints `\'`) and doubled quotes undone. */
function stringValue(body: string): string {
  const escapes: Record<string, string> = { n: "\n", t: "\t", r: "\r", "0": "\0", b: "\b", Z: "\x1a" };
  return body.replace(/\\(.)|''/gs, (match, ch: string | undefined) => (ch === undefined ? "'" : (escapes[ch] ?? ch)));
}

/** Binary operators by precedence (MySQL's manual, "Operator Precedence"), spelled as the key spells them. */
const BINARY: Record<string, { prec: number; op: string }> = {
  or: { prec: 1, op: "or" },
  "||": { prec: 1, op: "or" },
  xor: { prec: 2, op: "xor" },
  and: { prec: 3, op: "and" },
  "&&": { prec: 3, op: "and" },
  "=": { prec: 5, op: "=" },
  "<=>": { prec: 5, op: "<=>" },
  "<>": { prec: 5, op: "<>" },
  "!=": { prec: 5, op: "<>" },
  "<": { prec: 5, op: "<" },
  "<=": { prec: 5, op: "<=" },
  ">": { prec: 5, op: ">" },
  ">=": { prec: 5, op: ">=" },
  like: { prec: 5, op: "like" },
  regexp: { prec: 5, op: "regexp" },
  rlike: { prec: 5, op: "regexp" },
  "|": { prec: 6, op: "|" },
  "&": { prec: 7, op: "&" },
  "<<": { prec: 8, op: "<<" },
  ">>": { prec: 8, op: ">>" },
  "+": { prec: 9, op: "+" },
  "-": { prec: 9, op: "-" },
  "*": { prec: 10, op: "*" },
  "/": { prec: 10, op: "/" },
  "%": { prec: 10, op: "%" },
  mod: { prec: 10, op: "%" },
  div: { prec: 10, op: "div" },
  "^": { prec: 11, op: "^" },
};
const COMPARISON = 5;
const NOT_PREC = 4;
const UNARY = 12;

/** A comparison's negation: the server prints `NOT (a < b)` as `a >= b`. */
const NEGATED: Record<string, string> = { "<": ">=", ">=": "<", ">": "<=", "<=": ">", "=": "<>", "<>": "=" };

/** Functions the server prints under another name. */
const SYNONYMS: Record<string, string> = {
  lcase: "lower",
  ucase: "upper",
  octet_length: "length",
  substring: "substr",
  character_length: "char_length",
  now: "current_timestamp",
  localtime: "current_timestamp",
  localtimestamp: "current_timestamp",
  curdate: "current_date",
  curtime: "current_time",
};

/** Words that are values or functions without parentheses, not column names. */
const NILADIC = new Set(["current_timestamp", "current_date", "current_time", "current_user", "localtime", "localtimestamp"]);

class Parser {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  atEnd(): boolean {
    return this.at >= this.tokens.length;
  }

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.at + offset];
  }

  private isWord(text: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token?.kind === "word" && token.text === text;
  }

  private isOp(text: string): boolean {
    const token = this.peek();
    return token?.kind === "op" && token.text === text;
  }

  private expect(text: string): void {
    const token = this.tokens[this.at++];
    if (!token || (token.kind !== "op" && token.kind !== "word") || token.text !== text) throw new Error(`expected ${text}`);
  }

  expression(min: number): Node {
    let left = this.prefix();
    for (;;) {
      const token = this.peek();
      if (!token) return left;
      // [NOT] IN, [NOT] BETWEEN, [NOT] LIKE, [NOT] REGEXP, IS [NOT] …: comparisons.
      const negated =
        token.kind === "word" && token.text === "not" && ["in", "between", "like", "regexp", "rlike"].includes(textOf(this.peek(1)));
      const word = negated ? textOf(this.peek(1)) : token.kind === "word" || token.kind === "op" ? token.text : "";
      if (word === "is" && token.kind === "word") {
        if (COMPARISON <= min) return left;
        this.at++;
        const not = this.isWord("not") ? (this.at++, true) : false;
        const what = this.tokens[this.at++];
        if (!what || what.kind !== "word" || !["null", "true", "false", "unknown"].includes(what.text)) throw new Error("IS what");
        left = negate({ op: `is ${what.text === "unknown" ? "null" : what.text}`, args: [left] }, not);
        continue;
      }
      if (word === "in" && (token.kind === "word" || negated)) {
        if (COMPARISON <= min) return left;
        this.at += negated ? 2 : 1;
        this.expect("(");
        const list = this.list();
        left = negate(
          list.length === 1 ? { op: "=", args: [left, list[0]] } : { op: "in", args: [left, ...sortedIfConstant(list)] },
          negated,
        );
        continue;
      }
      if (word === "between" && (token.kind === "word" || negated)) {
        if (COMPARISON <= min) return left;
        this.at += negated ? 2 : 1;
        const low = this.expression(COMPARISON);
        this.expect("and");
        const high = this.expression(COMPARISON);
        left = negate({ op: "between", args: [left, low, high] }, negated);
        continue;
      }
      if (word === "collate" && token.kind === "word") {
        this.at++;
        const collation = this.tokens[this.at++];
        if (!collation || (collation.kind !== "word" && collation.kind !== "name")) throw new Error("COLLATE what");
        left = { op: "collate", args: [left, collation.text] };
        continue;
      }
      const binary = (token.kind === "op" || token.kind === "word" || negated) && Object.hasOwn(BINARY, word) ? BINARY[word] : undefined;
      if (!binary || binary.prec <= min) return left;
      this.at += negated ? 2 : 1;
      const right = this.expression(binary.prec);
      left = negate(binaryNode(binary.op, left, right), negated);
    }
  }

  private prefix(): Node {
    const token = this.tokens[this.at++];
    if (!token) throw new Error("expression ends early");
    switch (token.kind) {
      case "string":
        return `'${token.value.replace(/'/g, "''")}'`;
      case "number":
        return canonicalNumber(token.text);
      case "name":
        return this.qualified(token.text);
      case "op":
        if (token.text === "(") {
          const list = this.list();
          return list.length === 1 ? list[0] : { op: "row", args: list };
        }
        if (token.text === "-" || token.text === "~") {
          const operand = this.expression(UNARY);
          if (token.text === "-" && typeof operand === "string" && /^\d/.test(operand)) return canonicalNumber(`-${operand}`);
          if (token.text === "-" && typeof operand === "string" && operand.startsWith("-")) return operand.slice(1);
          return { op: token.text === "-" ? "neg" : "~", args: [operand] };
        }
        if (token.text === "+") return this.expression(UNARY);
        if (token.text === "!") return negate(this.expression(UNARY), true);
        throw new Error(`unexpected ${token.text}`);
      case "word":
        return this.word(token.text);
    }
  }

  private word(word: string): Node {
    if (word === "not") return negate(this.expression(NOT_PREC), true);
    if (word === "null") return "null";
    if (word === "true") return "1";
    if (word === "false") return "0";
    if (word === "case") return this.caseExpression();
    if (word === "binary" && !this.isOp("(")) return { op: "binary", args: [this.expression(UNARY)] };
    if (word === "interval" || word === "exists" || word === "select") throw new Error(`${word} not read`);
    if (this.isOp("(")) {
      this.at++;
      const name = SYNONYMS[word] ?? word;
      if (this.isOp(")")) {
        this.at++;
        return NILADIC.has(name) ? name : { op: `${name}()`, args: [] };
      }
      const args = name === "cast" || name === "convert" ? this.castArguments() : this.list();
      return { op: `${name}()`, args };
    }
    const name = SYNONYMS[word] ?? word;
    if (NILADIC.has(name)) return name;
    return this.qualified(word);
  }

  /** `a.b`: a name with its table. */
  private qualified(name: string): Node {
    let text = name;
    while (this.isOp(".")) {
      this.at++;
      const next = this.tokens[this.at++];
      if (!next || (next.kind !== "name" && next.kind !== "word")) throw new Error("name expected");
      text += `.${next.text}`;
    }
    return `"${text}"`;
  }

  /** Expressions separated by commas, up to the closing parenthesis. */
  private list(): Node[] {
    const items = [this.expression(0)];
    while (this.isOp(",")) {
      this.at++;
      items.push(this.expression(0));
    }
    this.expect(")");
    return items;
  }

  /** CAST(x AS type), CONVERT(x, type) and CONVERT(x USING charset): the type as words. */
  private castArguments(): Node[] {
    const value = this.expression(0);
    const words: string[] = [];
    if (this.isWord("as") || this.isWord("using") || this.isOp(",")) {
      words.push(this.isOp(",") ? "as" : textOf(this.peek()));
      this.at++;
      while (!this.isOp(")")) {
        const token = this.tokens[this.at++];
        if (!token) throw new Error("CAST ends early");
        words.push(token.kind === "string" ? `'${token.value}'` : token.text);
      }
    }
    this.expect(")");
    return [value, words.join(" ").replace(/\s*([(),])\s*/g, "$1")];
  }

  private caseExpression(): Node {
    const args: Node[] = [];
    args.push(this.isWord("when") ? "" : this.expression(0));
    while (this.isWord("when")) {
      this.at++;
      args.push(this.expression(0));
      this.expect("then");
      args.push(this.expression(0));
    }
    if (this.isWord("else")) {
      this.at++;
      args.push("else", this.expression(0));
    }
    this.expect("end");
    return { op: "case", args };
  }
}

/** A word's, name's, number's or operator's text; "" for a string or no token. */
function textOf(token: Token | undefined): string {
  return token === undefined || token.kind === "string" ? "" : token.text;
}

/** `a AND (b AND c)` is `a AND b AND c`: the server keeps one list. */
function binaryNode(op: string, left: Node, right: Node): Node {
  if (op === "and" || op === "or") {
    const items = [left, right].flatMap((item) => (typeof item !== "string" && item.op === op ? item.args : [item]));
    return { op, args: items };
  }
  return { op, args: [left, right] };
}

/** NOT of a node, folded the way the server folds it (and as plain logic allows). */
function negate(node: Node, not: boolean): Node {
  if (!not) return node;
  if (typeof node !== "string") {
    if (NEGATED[node.op] !== undefined) return { op: NEGATED[node.op], args: node.args };
    if (node.op.startsWith("not ")) return { op: node.op.slice(4), args: node.args };
    if (["is null", "is true", "is false", "in", "between", "like", "regexp"].includes(node.op))
      return { op: `not ${node.op}`, args: node.args };
    if (node.op === "not") return node.args[0];
  }
  return { op: "not", args: [node] };
}

/** An IN list of constants is a set: the order in which it is written does not matter. */
function sortedIfConstant(list: Node[]): Node[] {
  return list.every((item) => typeof item === "string" && !item.startsWith('"')) ? [...(list as string[])].sort() : list;
}

/** `010` is 10, `1.50` is 1.5, `1E3` is 1e3: the same number as the server reads it. */
function canonicalNumber(text: string): string {
  let value = text.toLowerCase().replace(/^\+/, "");
  const negative = value.startsWith("-");
  if (negative) value = value.slice(1);
  const [mantissa, exponent] = value.split("e");
  let [whole, fraction = ""] = mantissa.split(".");
  whole = whole.replace(/^0+(?=\d)/, "") || "0";
  fraction = fraction.replace(/0+$/, "");
  let out = fraction ? `${whole}.${fraction}` : whole;
  if (exponent !== undefined) out += `e${Number(exponent)}`;
  return negative && !/^0(\.0*)?$/.test(out) ? `-${out}` : out;
}

function print(node: Node): string {
  if (typeof node === "string") return node;
  return `(${node.op}${node.args.map((arg) => ` ${print(arg)}`).join("")})`;
}
