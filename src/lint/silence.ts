/**
 * Silencing lint codes for one migration, in the migration file itself so the
 * decision is reviewed with the code it excuses:
 *
 *     // athanor-lint-disable AT-D002 -- the column was unused since v2.3
 *     // athanor-lint-disable AT-L001, AT-N003: table has 40 rows
 *
 * One or more codes (separated by spaces or commas), then an optional reason
 * after `--`, `—` or `:`. It may sit anywhere in the file (a line comment or
 * inside a block comment) and applies to the whole migration. Codes must be
 * named one by one: there is no "disable everything".
 */
import { isLintCode, type Finding, type LintCode } from "../danger/codes";

const DIRECTIVE = "athanor-lint-disable";

export interface Silence {
  code: LintCode;
  reason?: string;
  /** 1-based line of the comment. */
  line: number;
}

export interface SilenceComments {
  silences: Silence[];
  /** Codes in directives that are not lint codes (a typo silences nothing). */
  unknownCodes: string[];
}

export function readSilences(text: string): SilenceComments {
  const silences: Silence[] = [];
  const unknownCodes: string[] = [];
  text.split(/\r?\n/).forEach((content, index) => {
    let at = content.indexOf(DIRECTIVE);
    while (at >= 0) {
      let rest = content.slice(at + DIRECTIVE.length).replace(/\*\/.*$/, "");
      const codes: string[] = [];
      for (;;) {
        const match = /^[\s,]+(AT-[A-Z]\d{3})\b/i.exec(rest);
        if (!match) break;
        codes.push(match[1].toUpperCase());
        rest = rest.slice(match[0].length);
      }
      const reason = rest.replace(/^\s*(--|—|–|:)?\s*/, "").trim() || undefined;
      for (const code of codes) {
        if (isLintCode(code)) silences.push({ code, reason, line: index + 1 });
        else unknownCodes.push(code);
      }
      at = content.indexOf(DIRECTIVE, at + DIRECTIVE.length);
    }
  });
  return { silences, unknownCodes };
}

export interface SilencedFinding extends Finding {
  reason?: string;
}

/** Split findings into those that remain and those a comment silences. */
export function applySilences(
  findings: readonly Finding[],
  silences: readonly Silence[],
): { findings: Finding[]; silenced: SilencedFinding[] } {
  const byCode = new Map(silences.map((s) => [s.code, s]));
  const remaining: Finding[] = [];
  const silenced: SilencedFinding[] = [];
  for (const f of findings) {
    const silence = byCode.get(f.code);
    if (silence) silenced.push({ ...f, reason: silence.reason });
    else remaining.push(f);
  }
  return { findings: remaining, silenced };
}
