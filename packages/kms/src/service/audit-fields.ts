/**
 * @module
 * How KMS renders what goes into an audit event besides the call itself: CloudTrail
 * `requestParameters` by default (the input's members, with the defaults an operation declares,
 * never plaintext or ciphertext), values in CloudTrail's JSON, and which service event a
 * clock-driven change is. The per-operation rules live in each operation's definition.
 */

import { immutableAuditField, javaDateString } from '@strongbox/service-kernel';
import { emptyRecord } from '../model/dictionary.ts';
import type { KeyRecord } from '../model/records.ts';
import type { Change, KmsState } from '../model/state.ts';
import type { OperationDefinition } from '../operations/types.ts';
import type { Shape } from '../protocol/shapes.ts';

/**
 * Events KMS itself records, as `AwsServiceEvent`s, when the clock makes something happen: an
 * automatic or on-demand rotation completes, a key's deletion window ends, imported material
 * expires (dev guide "Logging AWS KMS API calls": RotateKey, DeleteKey, DeleteExpiredKeyMaterial).
 */
export type ServiceEventName = 'RotateKey' | 'DeleteKey' | 'DeleteExpiredKeyMaterial';

/**
 * Which service event a clock-driven change is, judged against the state before it applies:
 * a deleted key is DeleteKey, a key that gained a backing key is RotateKey, a key whose imported
 * material went away is DeleteExpiredKeyMaterial; other bookkeeping changes log nothing.
 */
export function serviceEventOf(change: Change, state: KmsState): [ServiceEventName, KeyRecord][] {
  if (change.type === 'deleteKey') {
    return state
      .keyRecords(change.keyId)
      .filter((key) => change.region === undefined || key.region === change.region)
      .map((key) => ['DeleteKey', key]);
  }
  if (change.type !== 'putKey') return [];
  const before = state.key(change.key.keyId, change.key.region);
  if (before === undefined) return [];
  if (change.key.materials.length > before.materials.length) return [['RotateKey', change.key]];
  if (before.state !== 'PendingImport' && change.key.state === 'PendingImport') return [['DeleteExpiredKeyMaterial', change.key]];
  return [];
}

/**
 * CloudTrail `requestParameters` as KMS writes them: the members of the operation's input shape in
 * lowerCamelCase (nested structure members too: `tags: [{tagKey, tagValue}]`, ct-tagresource),
 * map keys verbatim (`encryptionContext`), timestamps as Java dates (ct-importkeymaterial
 * `validTo`), the definition's `auditDefaults` filled in; blobs and sensitive members are left
 * out, so plaintext, ciphertext and key material never reach the audit trail. Interned by
 * `interner` (the emulator's own) where it can, rendered afresh otherwise.
 * @example defaultAuditParameters(OPERATIONS.GenerateMac, { KeyId: 'k', MacAlgorithm: 'HMAC_SHA_256', Message }, new ParameterInterner()) // { keyId: 'k', macAlgorithm: 'HMAC_SHA_256' }
 */
export function defaultAuditParameters(definition: OperationDefinition, input: unknown, interner: ParameterInterner): Record<string, unknown> | null {
  const interned = interner.intern(definition, input);
  if (interned !== undefined) return interned;
  return renderAuditParameters(definition, input);
}

/**
 * `requestParameters` rendered afresh, member by member: what `defaultAuditParameters` answers
 * for inputs it does not intern, and what every interned record equals.
 * @example renderAuditParameters(OPERATIONS.GenerateMac, { KeyId: 'k', MacAlgorithm: 'HMAC_SHA_256', Message }) // { keyId: 'k', macAlgorithm: 'HMAC_SHA_256' }
 */
export function renderAuditParameters(definition: OperationDefinition, input: unknown): Record<string, unknown> | null {
  const out = (auditJson(input, definition.input) ?? {}) as Record<string, unknown>;
  const defaults = definition.auditDefaults;
  if (defaults !== undefined) for (const name in defaults) if (out[name] === undefined) out[name] = defaults[name];
  for (const _ in out) return out;
  return null;
}

/**
 * One step of the interned parameters of an operation: the records of inputs whose recorded
 * members are all primitives (strings, numbers, booleans, null), in a tree walked member by member
 * in the input's order, so a repeated call (the same key, the same algorithm) finds its record
 * without building anything. Nodes are bounded in total; past the bound, records are rendered per
 * call as before.
 */
interface InternNode {
  readonly parent: InternNode | undefined;
  /** The recorded (bean) name and value this step adds; unused at the root. */
  readonly bean: string;
  readonly value: unknown;
  /** The record of an input that ends here (`null`: nothing to record); undefined until first made. */
  record: Readonly<Record<string, unknown>> | null | undefined;
  /** The step last taken from here (calls mostly repeat the previous one's members): its name, value and node. */
  lastName: string;
  lastValue: unknown;
  lastChild: InternNode | undefined;
  /** Every step from here, by member name then value. */
  next: Map<string, Map<unknown, InternNode>> | undefined;
}

/** What interning an operation's parameters needs: its recorded members by input name, and its tree. */
interface InternPlan {
  readonly members: ReadonlyMap<string, AuditMember>;
  readonly root: InternNode;
  /**
   * The input member names the previous call's input had, in its order, and what `members` said
   * of each: calls of one operation mostly pass the same members in the same order, so the n-th
   * name is checked against the previous call's n-th instead of looked up.
   */
  readonly seenNames: string[];
  readonly seenMembers: (AuditMember | undefined)[];
}

/** Input member names remembered per plan (an in-process caller's input may carry any number of others). */
const MAX_SEEN_NAMES = 32;
/** Interned nodes of one emulator (each a few small objects): at most this many. */
const MAX_INTERN_NODES = 20_000;
/**
 * The longest string value interned: key ids, ARNs, alias names, algorithms and specs are all far
 * shorter; a longer value (a description, a policy, a malformed id) is rendered per call, so the
 * trail keeps it only while it keeps the event (within its byte budget).
 */
const MAX_INTERNED_STRING_LENGTH = 2048;
/** Characters of interned string values of one emulator, in total: at most this many. */
const MAX_INTERNED_CHARS = 2 * 1024 * 1024;

/**
 * The interned `requestParameters` of one emulator (each `Kms` has its own, so they go with it),
 * bounded by node count and by the characters of the values they hold: past either bound, records
 * are rendered per call as before.
 * @example new ParameterInterner().intern(OPERATIONS.GenerateMac, { KeyId: 'k', MacAlgorithm: 'HMAC_SHA_256' }) // { keyId: 'k', macAlgorithm: 'HMAC_SHA_256' }, frozen
 */
export class ParameterInterner {
  readonly #plans = new WeakMap<OperationDefinition, InternPlan>();
  #nodes = 0;
  #chars = 0;
  // The plan asked for last: a run of calls of one operation finds it without a lookup.
  #lastDefinition: OperationDefinition | undefined;
  #lastPlan: InternPlan | undefined;

  /**
   * The interned `requestParameters` of `input` (the very object `renderAuditParameters` would
   * build, frozen and shared by every call with the same recorded members), or `undefined` when a
   * recorded member is not a primitive (a list, a map, a date) or a long string, or the interner
   * is full. The trail retains one reference per call instead of a new object per call.
   */
  intern(definition: OperationDefinition, input: unknown): Record<string, unknown> | null | undefined {
    if (!isRecord(input)) return undefined;
    const plan = this.#planOf(definition);
    if (plan === undefined) return undefined;
    const { members, seenNames, seenMembers } = plan;
    let node: InternNode = plan.root;
    let index = 0;
    for (const name in input) {
      let member: AuditMember | undefined;
      if (seenNames[index] === name) member = seenMembers[index];
      else {
        member = members.get(name);
        if (index < MAX_SEEN_NAMES) {
          seenNames[index] = name;
          seenMembers[index] = member;
        }
      }
      index += 1;
      if (member === undefined) continue;
      const value = input[name];
      // What auditJson leaves out (absent members, blobs) is not recorded.
      if (value === undefined || value instanceof Uint8Array) continue;
      if (value !== null && typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return undefined;
      // A Map key cannot tell -0 from 0; the record keeps what the caller passed.
      if (value === 0 && Object.is(value, -0)) return undefined;
      let child = node.lastChild;
      if (child === undefined || node.lastName !== name || node.lastValue !== value) {
        const byValue = node.next?.get(name);
        child = byValue?.get(value);
        if (child === undefined) {
          child = this.#node(node, member.bean, value);
          if (child === undefined) return undefined;
          if (byValue === undefined) (node.next ??= new Map()).set(name, new Map([[value, child]]));
          else byValue.set(value, child);
        }
        node.lastName = name;
        node.lastValue = value;
        node.lastChild = child;
      }
      node = child;
    }
    if (node.record === undefined) node.record = recordOf(definition, node);
    return node.record as Record<string, unknown> | null;
  }

  /** A new node for `value`, or `undefined` when the value is too long or the interner is full. */
  #node(parent: InternNode | undefined, bean: string, value: unknown): InternNode | undefined {
    const chars = typeof value === 'string' ? value.length : 0;
    if (chars > MAX_INTERNED_STRING_LENGTH || this.#nodes >= MAX_INTERN_NODES || this.#chars + chars > MAX_INTERNED_CHARS) return undefined;
    this.#nodes += 1;
    this.#chars += chars;
    return { parent, bean, value, record: undefined, lastName: '', lastValue: undefined, lastChild: undefined, next: undefined };
  }

  #planOf(definition: OperationDefinition): InternPlan | undefined {
    if (definition === this.#lastDefinition) return this.#lastPlan;
    let plan = this.#plans.get(definition);
    if (plan === undefined) {
      const root = this.#node(undefined, '', undefined);
      if (root === undefined) return undefined;
      plan = { members: new Map(Object.entries(auditMembersOf(definition.input))), root, seenNames: [], seenMembers: [] };
      this.#plans.set(definition, plan);
    }
    this.#lastDefinition = definition;
    this.#lastPlan = plan;
    return plan;
  }
}

/**
 * The record an intern path stands for, as `renderAuditParameters` renders it: the path's members in
 * order (a primitive is recorded as it is), then the definition's defaults for members left out.
 */
function recordOf(definition: OperationDefinition, leaf: InternNode): Readonly<Record<string, unknown>> | null {
  const steps: InternNode[] = [];
  for (let node: InternNode | undefined = leaf; node?.parent !== undefined; node = node.parent) steps.push(node);
  const out: Record<string, unknown> = {};
  for (let i = steps.length - 1; i >= 0; i--) {
    const step = steps[i] as InternNode;
    out[step.bean] = step.value;
  }
  const defaults = definition.auditDefaults;
  if (defaults !== undefined) for (const name in defaults) if (out[name] === undefined) out[name] = defaults[name];
  for (const _ in out) return immutableAuditField(out);
  return null;
}

/**
 * A request or response value in CloudTrail's JSON: structure members lowerCamelCase (without a
 * shape every object is taken for a structure), map keys verbatim, dates as Java dates, blobs,
 * sensitive members and members outside the shape dropped.
 */
export function auditJson(value: unknown, shape?: Shape): unknown {
  // Most members are strings: answered before any other test.
  if (typeof value === 'string') return value;
  if (value === undefined || value instanceof Uint8Array) return undefined;
  if (value instanceof Date) return javaDateString(value.getTime());
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const item of value) {
      const rendered = auditJson(item, shape?.kind === 'list' ? shape.member : undefined);
      if (rendered !== undefined) items.push(rendered);
    }
    return items;
  }
  if (!isRecord(value)) return value;
  if (shape?.kind === 'structure') return auditStructure(value, auditMembersOf(shape));
  // Map keys are the caller's (`encryptionContext`): no prototype, so `__proto__` is recorded.
  const isMap = shape?.kind === 'map';
  const out: Record<string, unknown> = emptyRecord<unknown>();
  // An object where the shape wants no object (a refused call's input): no member is recorded.
  if (shape !== undefined && !isMap) return out;
  for (const name in value) {
    const rendered = auditJson(value[name], isMap ? shape.value : undefined);
    if (rendered !== undefined) out[isMap ? name : beanName(name)] = rendered;
  }
  return out;
}

/** How a structure member is recorded: its bean name and shape; sensitive members are absent. */
interface AuditMember {
  readonly bean: string;
  readonly shape: Shape;
}

/** Each structure shape's recorded members, by member name (no prototype: unknown names miss). */
const AUDIT_MEMBERS = new WeakMap<Shape, Readonly<Record<string, AuditMember>>>();

function auditMembersOf(shape: Extract<Shape, { kind: 'structure' }>): Readonly<Record<string, AuditMember>> {
  let members = AUDIT_MEMBERS.get(shape);
  if (members === undefined) {
    const table = emptyRecord<AuditMember>();
    for (const [name, member] of Object.entries(shape.members)) {
      if ((member as { sensitive?: boolean }).sensitive !== true) table[name] = { bean: beanName(name), shape: member };
    }
    members = Object.freeze(table);
    AUDIT_MEMBERS.set(shape, members);
  }
  return members;
}

/**
 * A structure with a shape: only its shape's members, in the input's order. The names are the
 * shape's, so the record can be a plain object (a smaller, faster one: the trail retains every
 * call's parameters).
 */
function auditStructure(value: Record<string, unknown>, members: Readonly<Record<string, AuditMember>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name in value) {
    const member = members[name];
    if (member === undefined) continue;
    const rendered = auditJson(value[name], member.shape);
    if (rendered !== undefined) out[member.bean] = rendered;
  }
  return out;
}

/**
 * A member name as KMS's CloudTrail records spell it: Java's bean-property rule
 * (`java.beans.Introspector.decapitalize`), first letter lowercased unless the first two are both
 * capitals, so `KeyId` → `keyId` but `AWSAccountId` stays `AWSAccountId` (ct-createkey:
 * `responseElements.keyMetadata.AWSAccountId`).
 */
function beanName(name: string): string {
  // Member names come from the operations' shapes and responses, a few hundred: each is spelled
  // once (bounded all the same, should a caller's names ever reach here).
  let bean = BEAN_NAMES.get(name);
  if (bean === undefined) {
    bean = decapitalize(name);
    if (BEAN_NAMES.size < MAX_BEAN_NAMES) BEAN_NAMES.set(name, bean);
  }
  return bean;
}

const BEAN_NAMES = new Map<string, string>();
const MAX_BEAN_NAMES = 4096;

function decapitalize(name: string): string {
  const second = name.charAt(1);
  if (second !== '' && second !== second.toLowerCase() && name.charAt(0) !== name.charAt(0).toLowerCase()) return name;
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) && !(value instanceof Date);
}
