/**
 * Errors users see. Each is one sentence saying what went wrong and how to
 * fix it, with one of the exit codes below (ARCHITECTURE.md, "Contracts").
 * Anything else that escapes is a bug and is reported as such.
 */
export const ExitCode = {
  ok: 0,
  /** Something to report: drift found, changes found by --check. */
  report: 1,
  /** Usage or configuration error. */
  usage: 2,
  /** Database or migration failure. */
  database: 3,
  /** Stopped by SIGINT (Ctrl-C): 128 + 2, as shells report it. */
  interrupted: 130,
  /** Stopped by SIGTERM: 128 + 15. */
  terminated: 143,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export class AthanorError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue = ExitCode.usage,
    readonly details: string[] = [],
  ) {
    super(message);
    this.name = "AthanorError";
  }
}

export class UsageError extends AthanorError {
  constructor(message: string, details: string[] = []) {
    super(message, ExitCode.usage, details);
  }
}

export class DatabaseError extends AthanorError {
  constructor(message: string, details: string[] = []) {
    super(message, ExitCode.database, details);
  }
}

/**
 * Remove credentials from text that may contain connection URLs or the
 * password itself (driver messages sometimes quote it).
 */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):([^@\s]*)@/gi, "$1:***@");
  for (const secret of secrets) {
    if (secret && secret.length >= 1) out = out.split(secret).join("***");
  }
  return out;
}
