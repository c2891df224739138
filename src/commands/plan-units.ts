/**
 * How `plan` writes durations and sizes. A module of its own so that the CLI
 * can print a plan without loading price-plan.ts (the linter, the danger
 * rules and the offline runner behind it) for every other command.
 */
export function formatSeconds(seconds: number): string {
  if (seconds === 0) return "0 s (catalog only)";
  if (seconds < 0.01) return "<0.01 s";
  if (seconds < 10) return `${seconds.toFixed(2)} s`;
  if (seconds < 120) return `${seconds.toFixed(0)} s`;
  return `${(seconds / 60).toFixed(1)} min`;
}

export function formatBytes(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
