/**
 * @module
 * The operation registry: a service's operations, each one definition carrying everything about
 * it (its handler, its quota rule, whether CloudTrail marks it read-only, its audit fields, and
 * whatever the service adds: KMS its input shape and key-state rule). The list of names, the
 * quota table and the typed in-process facade are derived from it, never written out by hand:
 * adding an operation is one new definition file and one line in the service's list.
 */

import type { CallScope } from './scope.ts';

/**
 * Which request quota an operation draws from: its own bucket (named after the operation) with
 * its default rate, a bucket it shares with other operations under a name the service gives
 * the rate to (KMS: `cryptographic`), or a bucket its handler picks once it knows what the
 * request is about (`byHandler`: KMS's Sign counts against the RSA, ECC or ML-DSA row of the key
 * it resolves), which the pipeline then leaves to the handler.
 */
export type QuotaRule = { readonly perSecond: number } | { readonly shared: string } | { readonly byHandler: true };

/** What every service's operation definition has. */
// biome-ignore lint/suspicious/noExplicitAny: a registry holds definitions of every input, output and context type, and handler parameters are contravariant, so `unknown` would refuse them.
export interface OperationSpec<Name extends string = string, Input = any, Output = any, Context = any> {
  /** The wire name (`Encrypt`, `PutObject`). */
  readonly name: Name;
  /** Its request quota. */
  readonly quota: QuotaRule;
  /** Whether CloudTrail records it as read-only (it changes no state). */
  readonly readOnly: boolean;
  /** Serves a validated, authenticated request; authorizes through the context. */
  handler(input: Input, context: Context): Promise<Output> | Output;
  /**
   * CloudTrail `eventName` when it is not the wire name: S3 logs ListObjectsV2 as `ListObjects`
   * (default: `name`).
   */
  readonly auditName?: string;
  /**
   * CloudTrail's `eventCategory`: `Data` for a data event (S3's object-level operations and
   * listings, written with `"managementEvent": false`); default `Management`.
   */
  readonly eventCategory?: 'Management' | 'Data';
  /** CloudTrail `requestParameters` (default: the service's rendering of the input), given the call's scope. */
  auditParameters?(input: Input, scope: CallScope): Record<string, unknown> | null;
  /**
   * CloudTrail `responseElements` (default null), given the request and its context after the
   * handler ran: KMS logs the affected key's ARN for operations that return nothing (EnableKey).
   */
  auditResponse?(output: Output, input: Input, context: Context): Record<string, unknown> | null;
  /** CloudTrail `additionalEventData` (default none), given the request's context after the handler ran. */
  auditAdditional?(input: Input, output: Output | undefined, context: Context): Record<string, unknown> | undefined;
  /** CloudTrail `resources`, given the ARNs the handler touched (default: those). */
  auditResources?(input: Input, touched: readonly string[], scope: CallScope): readonly string[];
}

/** An operation's request type. */
export type InputOf<Definition> = Definition extends { handler(input: infer Input, ...rest: never[]): unknown } ? Input : never;
/** An operation's response type. */
export type OutputOf<Definition> = Definition extends { handler(...args: never[]): infer Output } ? Awaited<Output> : never;

/** A module of definitions (`import * as definitions`) keyed by wire name instead of export name. */
export type TableOf<Definitions> = { readonly [K in keyof Definitions as Definitions[K] extends OperationSpec<infer Name> ? Name : never]: Definitions[K] };

/** A service's operations, by wire name. */
export interface Registry<Table> {
  /** Every operation name, sorted. */
  readonly names: readonly (keyof Table & string)[];
  /** The definitions by wire name (a frozen object without prototype). */
  readonly operations: Table;
  /** Each operation's own quota, requests per second, by operation name (shared quotas are the service's). */
  readonly quotaTable: Readonly<Record<string, number>>;
  /** Whether `name` is an operation of this service. */
  has(name: string): name is keyof Table & string;
}

/**
 * Builds a registry from a module of definitions.
 *
 * @throws TypeError when two definitions share a wire name, or a name is not a valid operation name.
 * @example
 * ```ts
 * import * as definitions from './definitions.ts';
 * export const REGISTRY: Registry<TableOf<typeof definitions>> = createRegistry(definitions);
 * ```
 */
export function createRegistry<Table>(definitions: Readonly<Record<string, OperationSpec>>): Registry<Table> {
  const operations: Record<string, OperationSpec> = Object.create(null) as Record<string, OperationSpec>;
  const quotaTable: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const definition of Object.values(definitions)) {
    const name = definition.name;
    if (!/^[A-Z][A-Za-z0-9]*$/.test(name)) throw new TypeError(`operation name expected PascalCase letters and digits, got ${JSON.stringify(name)}`);
    if (name in operations) throw new TypeError(`two operations are named ${name}`);
    operations[name] = definition;
    if ('perSecond' in definition.quota) quotaTable[name] = definition.quota.perSecond;
  }
  const names = Object.freeze(Object.keys(operations).sort()) as readonly (keyof Table & string)[];
  const known: ReadonlySet<string> = new Set(names);
  return Object.freeze({
    names,
    operations: Object.freeze(operations) as Table,
    quotaTable: Object.freeze(quotaTable),
    has: (name: string): name is keyof Table & string => known.has(name),
  });
}

/**
 * The quota bucket the pipeline draws from for an operation: its own name, the shared bucket's,
 * or none (`undefined`) when its handler picks the bucket.
 */
export function quotaClassOf(definition: OperationSpec): string | undefined {
  const quota = definition.quota;
  if ('byHandler' in quota) return undefined;
  return 'shared' in quota ? quota.shared : definition.name;
}

/** `Encrypt` → `encrypt`, `ReEncrypt` → `reEncrypt`: a facade method name. */
export type MethodName<Name extends string> = Uncapitalize<Name>;

/** The typed facade of a registry: one method per operation, taking its request and call options. */
export type Facade<Table, Options> = {
  [Name in keyof Table & string as MethodName<Name>]: (input: InputOf<Table[Name]>, options?: Options) => Promise<OutputOf<Table[Name]>>;
};

/**
 * Adds one method per operation to `prototype`, each calling `prototype.send(name, input, options)`:
 * the typed facade, derived from the registry (declare it with `interface X extends Facade<...> {}`).
 *
 * @throws TypeError if the prototype already has a member of a method's name.
 * @example installFacade(Kms.prototype, REGISTRY.names)
 */
export function installFacade(prototype: { send(name: string, input: unknown, options?: unknown): Promise<unknown> }, names: readonly string[]): void {
  for (const name of names) {
    const method = name.charAt(0).toLowerCase() + name.slice(1);
    if (method in prototype) throw new TypeError(`the facade already has a member ${method}`);
    Object.defineProperty(prototype, method, {
      value: function (this: typeof prototype, input: unknown, options?: unknown): Promise<unknown> {
        return this.send(name, input, options);
      },
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
}
