/**
 * @module
 * KMS's operation registry, derived from `definitions.ts`: the operation table by wire name, the
 * list of names, the quota table (each operation's own quota; the symmetric cryptographic
 * operations share one, "Request quotas",
 * https://docs.aws.amazon.com/kms/latest/developerguide/requests-per-second.html) and the types
 * of the typed facade. Nothing here names an operation.
 */

import { createRegistry, type InputOf, type OutputOf, type Registry, type TableOf } from '@strongbox/service-kernel';
import type { QuotaCatalog } from '../model/quotas.ts';
import * as definitions from './definitions.ts';
import type { OperationDefinition } from './types.ts';

/** The operation table's type: each entry keeps its own request and response types. */
export type OperationTable = TableOf<typeof definitions>;

/** An operation name, as it appears in `X-Amz-Target: TrentService.<Name>`. */
export type OperationName = keyof OperationTable & string;

/** The request type of an operation. */
export type RequestOf<Name extends OperationName> = InputOf<OperationTable[Name]>;
/** The response type of an operation. */
export type ResponseOf<Name extends OperationName> = OutputOf<OperationTable[Name]>;

/** KMS's registry. */
export const REGISTRY: Registry<OperationTable> = createRegistry<OperationTable>(definitions);

/** Every operation, keyed by wire name. */
export const OPERATIONS: OperationTable = REGISTRY.operations;

/** Every operation name, sorted. */
export const OPERATION_NAMES: readonly OperationName[] = REGISTRY.names;

/** Each operation's own request quota, per second (the shared cryptographic one is `DEFAULT_CRYPTOGRAPHIC_QUOTA`). */
export const OPERATION_QUOTAS: Readonly<Record<string, number>> = REGISTRY.quotaTable;

/** What the request quotas take from the registry: the operations' own quotas and names. */
export const QUOTA_CATALOG: QuotaCatalog = Object.freeze({ perSecond: OPERATION_QUOTAS, isOperation: (name: string) => REGISTRY.has(name) });

/** Whether `name` is an operation Strongbox serves. */
export function isOperationName(name: string): name is OperationName {
  return REGISTRY.has(name);
}

/** The definition of a served operation, as the pipeline sees it. */
export function definitionOf(name: OperationName): OperationDefinition {
  return OPERATIONS[name];
}
