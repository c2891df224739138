/**
 * The project-wide default for `generate --online`, from the environment, so
 * a team that deploys to a busy PostgreSQL can make every generated
 * migration lock-safe without remembering the flag:
 *
 *   ATHANOR_ONLINE=1                   generate as if --online were given
 *   ATHANOR_ONLINE_LOCK_TIMEOUT=10s    the lock_timeout written into them
 *
 * Flags win over the environment (`--no-online`, `--online-lock-timeout`).
 */
import { DEFAULT_LOCK_TIMEOUT } from "../ops/online";

const TRUE = new Set(["1", "true", "yes", "on"]);

export function onlineByDefault(env: NodeJS.ProcessEnv = process.env): boolean {
  return TRUE.has((env.ATHANOR_ONLINE ?? "").trim().toLowerCase());
}

export function defaultOnlineLockTimeout(env: NodeJS.ProcessEnv = process.env): string {
  return env.ATHANOR_ONLINE_LOCK_TIMEOUT?.trim() || DEFAULT_LOCK_TIMEOUT;
}
