/** Athanor's public programmatic API. */
export { op, OperationApi } from "./ops/api";
export type { Operation } from "./ops/operations";
export * from "./schema/model";
