/**
 * @module
 * The POST policy of a browser-based upload (S3 API reference, "Creating a POST Policy" for
 * Signature Version 4): a base64 JSON document with an `expiration` and `conditions`, decoded and
 * checked against a form. Pure: the time is given (`now`), nothing is read or written.
 *
 * What S3 is seen to do (LocalStack's TestS3PresignedPost recorded against S3 on 2026-02-21,
 * "LS-POST"; ceph s3-tests; S3 answers quoted in issue trackers), which this module follows:
 * - the expiration is checked first (403 "Policy expired."), then every condition in the
 *   policy's order (403 "Policy Condition failed: [...]", the condition rendered as a JSON array
 *   with `, ` between its items, a simple condition `{"k": "v"}` as `["eq", "$k", "v"]`), then
 *   that every form field is named by a condition (403 "Extra input fields: a, b");
 * - condition names and operators are case-insensitive, values case-sensitive (LS-POST, s3-tests);
 * - a condition on a field the form lacks fails, even `starts-with ""` (s3_direct_upload#29);
 * - `eq`/`starts-with` on a name without `$` fails as a condition (LS-POST);
 * - `content-length-range` bounds are inclusive and may be integer strings; bounds that are not
 *   integers fail as a condition (LS-POST); the size is checked as the file arrives
 *   (`checkContentLength`): 400 EntityTooSmall / EntityTooLarge.
 */

import { S3Error } from '../errors.ts';

/** One condition of a POST policy. */
export type PostCondition =
  /** `eq` / `starts-with` on a form field (`field` lowercase, without `$`; `undefined` when the name lacked its `$`). */
  | { readonly kind: 'match'; readonly operator: 'eq' | 'starts-with'; readonly field: string | undefined; readonly value: string; readonly text: string }
  /** `content-length-range`, inclusive. */
  | { readonly kind: 'range'; readonly min: number; readonly max: number; readonly text: string }
  /** A condition S3 answers as failed whatever the form (a range whose bounds are not integers). */
  | { readonly kind: 'unsatisfiable'; readonly text: string };

/** A decoded POST policy. */
export interface PostPolicy {
  /** Epoch milliseconds after which the policy is refused. */
  readonly expiration: number;
  readonly conditions: readonly PostCondition[];
}

/** What a policy is checked against. */
export interface PostFormView {
  /** The form fields before the file, names as sent, in order. */
  readonly fields: readonly (readonly [name: string, value: string])[];
  /** The bucket the form was posted to (the `bucket` condition's subject). */
  readonly bucket: string;
  /** The object key, `${filename}` already expanded (conditions match the expanded key). */
  readonly key: string;
}

/** The `content-length-range` a policy sets, inclusive. */
export interface ContentLengthRange {
  readonly min: number;
  readonly max: number;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** ISO 8601 in UTC, with or without fractional seconds (both accepted by S3, LS-POST). */
const EXPIRATION = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/;
const INTEGER = /^\d+$/;
/** Form fields no condition needs to name (SigV4 "Creating a POST Policy"). */
const EXEMPT: ReadonlySet<string> = new Set(['policy', 'x-amz-signature', 'file']);

/**
 * Decodes a POST policy (the `policy` form field).
 * @throws S3Error InvalidPolicyDocument (400) naming what is wrong.
 * @example decodePostPolicy(btoa('{"expiration":"2030-01-01T00:00:00Z","conditions":[{"bucket":"b"}]}')).conditions[0]
 */
export function decodePostPolicy(base64: string): PostPolicy {
  // UNCONFIRMED text (versitygw's): no capture of S3 answering undecodable base64.
  if (!BASE64.test(base64)) throw invalid('invalid Base64 encoding.');
  let document: unknown;
  try {
    document = JSON.parse(Buffer.from(base64, 'base64').toString('utf8'));
  } catch {
    // Captured (tpyo/amazon-s3-php-class#53).
    throw invalid('Invalid JSON.');
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) throw invalid('Invalid JSON.');
  const members = document as Readonly<Record<string, unknown>>;
  // Captured (StackOverflow 31169349): a member the language lacks, lowercased, before the others.
  for (const name of Object.keys(members)) if (name !== 'expiration' && name !== 'conditions') throw invalid(`Unexpected: '${name.toLowerCase()}'`);
  // UNCONFIRMED texts (versitygw's) for a missing expiration or conditions; s3-tests expects 400.
  if (!Object.hasOwn(members, 'expiration')) throw invalid('Policy missing expiration.');
  const expiration = parseExpiration(members['expiration']);
  if (!Object.hasOwn(members, 'conditions')) throw invalid('Policy missing conditions.');
  const conditions = members['conditions'];
  if (!Array.isArray(conditions)) throw invalid("Invalid 'conditions' value: must be a List.");
  return { expiration, conditions: conditions.map(parseCondition) };
}

/**
 * Checks a form against its policy at `now`: the expiration, each condition in order, then that no
 * field is left unnamed. Returns the size range the file must then fall in, if the policy sets one.
 * @throws S3Error PostPolicyExpired, PostPolicyConditionFailed, PostPolicyExtraInputFields (403).
 * @example checkPostPolicy(policy, { fields, bucket: 'b', key: 'k' }, Date.now())
 */
export function checkPostPolicy(policy: PostPolicy, form: PostFormView, now: number): ContentLengthRange | undefined {
  if (now > policy.expiration) throw new S3Error('PostPolicyExpired');
  const values = formValues(form);
  const named = new Set<string>();
  let range: ContentLengthRange | undefined;
  for (const condition of policy.conditions) {
    if (condition.kind === 'range') {
      // Every condition must hold: two ranges bound the file by both (a later, wider range must
      // not lift an earlier limit). UNCONFIRMED how S3 treats a repeated range (no capture).
      range =
        range === undefined ? { min: condition.min, max: condition.max } : { min: Math.max(range.min, condition.min), max: Math.min(range.max, condition.max) };
      continue;
    }
    if (condition.kind === 'unsatisfiable' || !matches(condition, values))
      throw new S3Error('PostPolicyConditionFailed', { detail: { value: condition.text } });
    named.add(condition.field as string);
  }
  const extra: string[] = [];
  for (const [name] of form.fields) {
    const lower = name.toLowerCase();
    if (named.has(lower) || EXEMPT.has(lower) || lower.startsWith('x-ignore-') || extra.includes(name)) continue;
    extra.push(name);
  }
  if (extra.length > 0) throw new S3Error('PostPolicyExtraInputFields', { detail: { value: extra.join(', ') } });
  return range;
}

/**
 * Checks a file's size against the policy's range.
 * @throws S3Error EntityTooSmall / PostEntityTooLarge (400) with `ProposedSize` and the bound (LS-POST).
 * @example checkContentLength({ min: 5, max: 10 }, 12) // throws EntityTooLarge
 */
export function checkContentLength(range: ContentLengthRange, size: number): void {
  if (size > range.max) {
    throw new S3Error('PostEntityTooLarge', {
      fields: [
        ['ProposedSize', String(size)],
        ['MaxSizeAllowed', String(range.max)],
      ],
    });
  }
  if (size < range.min) {
    throw new S3Error('EntityTooSmall', {
      fields: [
        ['ProposedSize', String(size)],
        ['MinSizeAllowed', String(range.min)],
      ],
    });
  }
}

/** The form's values by lowercase name (repeated names joined by commas, SigV2 "Policy construction"), `bucket` and `key` as the request has them. */
function formValues(form: PostFormView): Map<string, string> {
  const values = new Map<string, string>();
  for (const [name, value] of form.fields) {
    const lower = name.toLowerCase();
    const before = values.get(lower);
    values.set(lower, before === undefined ? value : `${before},${value}`);
  }
  values.set('bucket', form.bucket);
  values.set('key', form.key);
  return values;
}

function matches(condition: Extract<PostCondition, { kind: 'match' }>, values: ReadonlyMap<string, string>): boolean {
  if (condition.field === undefined) return false;
  const value = values.get(condition.field);
  if (value === undefined) return false;
  if (condition.operator === 'eq') return value === condition.value;
  if (!startsWithAllowed(condition.field)) return false;
  // "Content-Types values for a starts-with condition that include commas are interpreted as
  // lists. Each value in the list must meet the condition" (Creating a POST Policy).
  if (condition.field === 'content-type') return value.split(',').every((member) => member.trim().startsWith(condition.value));
  return value.startsWith(condition.value);
}

/**
 * Whether `starts-with` may test a field: the policy page's table allows only exact matching for
 * `bucket`, `success_action_status` and the `x-amz-*` fields other than `x-amz-meta-*`.
 * UNCONFIRMED how S3 answers it (no capture): as a failed condition here.
 */
function startsWithAllowed(field: string): boolean {
  if (field === 'bucket' || field === 'success_action_status') return false;
  return !field.startsWith('x-amz-') || field.startsWith('x-amz-meta-');
}

function parseExpiration(value: unknown): number {
  const time = typeof value === 'string' && EXPIRATION.test(value) ? Date.parse(value) : Number.NaN;
  // Captured (dwilkie/carrierwave_direct#2, #189): an offset or a space is refused with this text.
  if (Number.isNaN(time)) throw invalid(`Invalid 'expiration' value: '${String(value)}'`);
  return time;
}

function parseCondition(condition: unknown): PostCondition {
  if (Array.isArray(condition)) return parseArrayCondition(condition);
  if (typeof condition === 'object' && condition !== null) {
    const entries = Object.entries(condition);
    // LS-POST test_post_object_policy_conditions_validation_eq.
    if (entries.length !== 1) throw invalid('Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.');
    const [name, value] = entries[0] as [string, unknown];
    // Captured: `null` (carrierwave_direct#230) and a number (toniopelo/modbox#10).
    if (value === null) throw invalid('Invalid JSON.');
    if (typeof value !== 'string') throw invalid('Invalid Simple-Condition: value must be a string.');
    return match('eq', `$${name}`, value, render(['eq', `$${name}`, value]));
  }
  // UNCONFIRMED text (versitygw's).
  throw invalid('Invalid condition test: must be a List or Object.');
}

function parseArrayCondition(items: readonly unknown[]): PostCondition {
  // UNCONFIRMED mapping: the text is captured (StackOverflow 43431505), its policy is not shown.
  if (items.length === 0 || typeof items[0] !== 'string') throw invalid('Invalid Condition: missing operation identifier.');
  const operator = items[0].toLowerCase();
  const text = render(items);
  // UNCONFIRMED texts (versitygw's) for an unknown operation and a wrong number of items.
  if (operator !== 'eq' && operator !== 'starts-with' && operator !== 'content-length-range')
    throw invalid(`Invalid Condition: unknown operation '${items[0]}'.`);
  if (items.length !== 3) throw invalid(`Invalid ${items[0]}: wrong number of arguments.`);
  const [, first, second] = items;
  if (operator === 'content-length-range') {
    const min = bound(first);
    const max = bound(second);
    return min === undefined || max === undefined ? { kind: 'unsatisfiable', text } : { kind: 'range', min, max, text };
  }
  // UNCONFIRMED: S3's answer to an operand that is not a string (versitygw: Invalid JSON).
  if (typeof first !== 'string' || typeof second !== 'string') throw invalid('Invalid JSON.');
  return match(operator, first, second, text);
}

function match(operator: 'eq' | 'starts-with', name: string, value: string, text: string): PostCondition {
  return { kind: 'match', operator, field: name.startsWith('$') ? name.slice(1).toLowerCase() : undefined, value, text };
}

/** A range bound: a non-negative integer, or a string of digits (LS-POST: `"5"` works, `"test"` fails). */
function bound(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value === 'string' && INTEGER.test(value)) {
    const parsed = Number(value);
    return Number.isSafeInteger(parsed) ? parsed : undefined;
  }
  return undefined;
}

/** A condition as S3 quotes it: `["eq", "$key", "a"]`. */
function render(items: readonly unknown[]): string {
  return `[${items.map((item) => JSON.stringify(item) ?? 'null').join(', ')}]`;
}

function invalid(value: string): S3Error {
  return new S3Error('InvalidPolicyDocument', { detail: { value } });
}
