/**
 * Which way migrations run. A module of its own so that stopped-run.ts can
 * name it without importing execute.ts, which imports it.
 */
export type Direction = "up" | "down";
