/** Athanor's public programmatic API. */
export { op, OperationApi } from "./ops/api";
export type { Operation } from "./ops/operations";
export type { OnlineOptions } from "./ops/online";
export * from "./schema/model";
