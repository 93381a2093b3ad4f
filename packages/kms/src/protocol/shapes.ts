/**
 * @module
 * Input shapes: each operation declares its members and their constraints once (from the KMS
 * Smithy model); this module derives both the AWS JSON 1.1 decoding (base64 blobs, epoch-second
 * timestamps, type checks answered with `SerializationException`) and the validation messages,
 * in the Coral format AWS services use:
 *
 * ```
 * 1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1
 * ```
 *
 * Several failures are counted and joined with `; `. Member paths are lowerCamelCase; list members
 * read `<list>.<n>.member` (1-based) and map values `<map>.<key>`. Sensitive members (plaintext)
 * are reported without their value (`Value at 'plaintext' ...`), as AWS does.
 */

import { KmsError } from '../errors.ts';
import { emptyRecord } from '../model/dictionary.ts';

/** A member's type and constraints. */
export type Shape =
  | {
      readonly kind: 'string';
      readonly min?: number;
      readonly max?: number;
      readonly pattern?: string;
      readonly enum?: readonly string[];
      readonly sensitive?: boolean;
    }
  | { readonly kind: 'integer'; readonly min?: number; readonly max?: number }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'blob'; readonly min?: number; readonly max?: number; readonly sensitive?: boolean }
  | { readonly kind: 'timestamp' }
  | { readonly kind: 'list'; readonly member: Shape; readonly min?: number; readonly max?: number }
  | { readonly kind: 'map'; readonly key: Shape; readonly value: Shape; readonly min?: number; readonly max?: number }
  | StructureShape;

/** A structure: named members, some required. */
export interface StructureShape {
  readonly kind: 'structure';
  readonly members: Readonly<Record<string, Shape>>;
  readonly required: readonly string[];
}

type Bounds = { readonly min?: number; readonly max?: number };

/** A string member. */
export const string = (options: Bounds & { pattern?: string; enum?: readonly string[]; sensitive?: boolean } = {}): Shape => ({ kind: 'string', ...options });
/** A string member restricted to an enum. */
export const enumOf = (values: readonly string[]): Shape => ({ kind: 'string', enum: values });
/** An integer member. */
export const integer = (options: Bounds = {}): Shape => ({ kind: 'integer', ...options });
/** A boolean member. */
export const boolean = (): Shape => ({ kind: 'boolean' });
/** A blob member (base64 in JSON, `Uint8Array` in process). */
export const blob = (options: Bounds & { sensitive?: boolean } = {}): Shape => ({ kind: 'blob', ...options });
/** A timestamp member (epoch seconds in JSON, `Date` in process). */
export const timestamp = (): Shape => ({ kind: 'timestamp' });
/** A list member. */
export const list = (member: Shape, options: Bounds = {}): Shape => ({ kind: 'list', member, ...options });
/** A map member. */
export const map = (key: Shape, value: Shape, options: Bounds = {}): Shape => ({ kind: 'map', key, value, ...options });
/** A structure; `required` names the members that must be present. */
export const structure = (members: Record<string, Shape>, required: readonly string[] = []): StructureShape => ({ kind: 'structure', members, required });

/**
 * Decodes an AWS JSON 1.1 request body into in-process values (blobs to `Uint8Array`, timestamps
 * to `Date`), checking JSON types. Unknown members are ignored, as AWS does.
 *
 * @throws KmsError `SerializationException` (Coral's texts) if a member has the wrong JSON type or
 *   bad base64.
 */
export function decodeJson(shape: StructureShape, json: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return decodeValue(shape, json, '') as Record<string, unknown>;
}

function decodeValue(shape: Shape, value: unknown, path: string): unknown {
  if (value === null) return undefined;
  switch (shape.kind) {
    case 'string':
      if (typeof value !== 'string') throw typeMismatch(value, 'an String');
      return value;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw typeMismatch(value, 'an Integer');
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw typeMismatch(value, 'an Boolean');
      return value;
    case 'blob':
      if (typeof value !== 'string') throw typeMismatch(value, 'a Blob');
      return decodeBase64(value);
    case 'timestamp':
      if (typeof value !== 'number') throw typeMismatch(value, 'milliseconds since epoch');
      return new Date(value * 1000);
    case 'list':
      if (!Array.isArray(value)) throw new KmsError('SerializationException', 'Expected list or null');
      return value.map((item, i) => decodeValue(shape.member, item, `${path}[${i}]`));
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value)) throw new KmsError('SerializationException', 'Expected map or null');
      // Map keys are the caller's (encryption contexts): no prototype, so `__proto__` is a key.
      const out = emptyRecord<unknown>();
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const decoded = decodeValue(shape.value, v, `${path}.${k}`);
        if (decoded !== undefined) out[k] = decoded;
      }
      return out;
    }
    case 'structure': {
      if (typeof value !== 'object' || Array.isArray(value)) throw typeMismatch(value, 'a Structure');
      const out: Record<string, unknown> = {};
      for (const [name, member] of Object.entries(shape.members)) {
        if (!Object.hasOwn(value, name)) continue;
        const decoded = decodeValue(member, (value as Record<string, unknown>)[name], path ? `${path}.${name}` : name);
        if (decoded !== undefined) out[name] = decoded;
      }
      return out;
    }
  }
}

/**
 * Coral's SerializationException text for a JSON value of the wrong type (the texts AWS's JSON 1.1
 * front end sends, as recorded from Kinesis and API Gateway: e.g. "class java.lang.Boolean can not
 * be converted to an String").
 */
function typeMismatch(value: unknown, target: string): KmsError {
  if (Array.isArray(value)) return new KmsError('SerializationException', 'Start of list found where not expected');
  if (typeof value === 'object') return new KmsError('SerializationException', 'Start of structure or map found where not expected.');
  const javaClass =
    typeof value === 'number'
      ? 'com.amazon.coral.value.json.numbers.TruncatingBigNumber'
      : typeof value === 'boolean'
        ? 'java.lang.Boolean'
        : 'java.lang.String';
  return new KmsError('SerializationException', `class ${javaClass} can not be converted to ${target}`);
}

/**
 * Strict base64 (standard alphabet, padded), with Coral's texts for each failure, except that the
 * value is left out: Coral opens them with the whole member value (`'<value>' can not be converted
 * to a Blob: ...`), and blobs carry plaintext and key material, so echoing a mistyped one would put
 * it into a response and the client's logs. They read `Value can not be converted ...`, as
 * sensitive members read `Value at '<member>' ...` in validation messages.
 */
function decodeBase64(value: string): Uint8Array {
  const invalid = /[^A-Za-z0-9+/=]/.exec(value);
  if (invalid !== null) {
    throw new KmsError('SerializationException', `Value can not be converted to a Blob: Invalid Base64 character: '${invalid[0]}'`);
  }
  if (value.length % 4 !== 0) {
    throw new KmsError(
      'SerializationException',
      `Value can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: ${value.length}`,
    );
  }
  return new Uint8Array(Buffer.from(value, 'base64'));
}

/** In-process callers passing a wrong type get the same exception as the wire would give. */
function serialization(path: string, expected: string, value: unknown): KmsError {
  const got = Array.isArray(value) ? 'array' : value instanceof Uint8Array ? 'Uint8Array' : typeof value;
  return new KmsError('SerializationException', `Expected ${expected} for member ${path || 'body'}, got ${got}.`);
}

/**
 * Validates in-process input against a structure shape.
 *
 * @throws KmsError `ValidationException` with every failure, in AWS's Coral wording;
 *   `SerializationException` for a member of the wrong type (as the wire would answer).
 */
export function validate(shape: StructureShape, input: unknown): void {
  // Every call validates its input, and nearly every input is valid: a check compiled once per
  // shape answers that without building anything; only an input it refuses is walked again to
  // say why (the two agree exactly: test/protocol/shapes-fast-check.test.ts).
  if (isValid(shape, input)) return;
  const errors = validationFailures(shape, input);
  if (errors.length > 0) throw validationError(errors);
}

/**
 * Every Coral failure of `input` against `shape` (empty when it is valid).
 * @throws KmsError `SerializationException` for a member of the wrong type.
 */
export function validationFailures(shape: StructureShape, input: unknown): string[] {
  if (input === undefined || input === null) input = {};
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw new KmsError('SerializationException', 'Expected Structure for member body.');
  }
  const errors: string[] = [];
  checkStructure(shape, input as Record<string, unknown>, '', errors);
  return errors;
}

/**
 * Whether `input` passes `shape` with no failure at all (what `validationFailures` answers with
 * an empty list, without throwing), through a predicate compiled once per shape.
 * @example isValid(structure({ KeyId: string({ min: 1 }) }, ['KeyId']), { KeyId: 'k' }) // true
 */
export function isValid(shape: StructureShape, input: unknown): boolean {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return false;
  let predicate = lastPredicate;
  if (shape !== lastShape || predicate === undefined) {
    predicate = predicateOf(shape);
    lastShape = shape;
    lastPredicate = predicate;
  }
  return predicate(input);
}

// The structure validated last and its predicate: a run of calls of one operation finds it
// without a lookup.
let lastShape: StructureShape | undefined;
let lastPredicate: Predicate | undefined;

type Predicate = (value: unknown) => boolean;

const PREDICATES = new WeakMap<Shape, Predicate>();

function predicateOf(shape: Shape): Predicate {
  let predicate = PREDICATES.get(shape);
  if (predicate === undefined) {
    predicate = compilePredicate(shape);
    PREDICATES.set(shape, predicate);
  }
  return predicate;
}

/** A predicate true exactly when `checkValue` neither throws nor reports a failure for the value. */
function compilePredicate(shape: Shape): Predicate {
  switch (shape.kind) {
    case 'string': {
      const { min, max } = shape;
      const pattern = shape.pattern === undefined ? undefined : patternOf(shape.pattern);
      const values = shape.enum === undefined ? undefined : new Set(shape.enum);
      // The verdict depends on the string alone: the one last accepted (calls mostly repeat a key
      // id or an algorithm) is accepted again without measuring, matching or looking it up.
      let accepted: string | undefined;
      return (value) => {
        if (value === accepted) return true;
        const valid =
          typeof value === 'string' &&
          stringLengthWithin(value, min, max) &&
          (pattern === undefined || pattern.test(value)) &&
          (values === undefined || values.has(value));
        if (valid) accepted = value as string;
        return valid;
      };
    }
    case 'integer': {
      const { min, max } = shape;
      return (value) => typeof value === 'number' && Number.isInteger(value) && (min === undefined || value >= min) && (max === undefined || value <= max);
    }
    case 'boolean':
      return (value) => typeof value === 'boolean';
    case 'blob': {
      const { min, max } = shape;
      return (value) => value instanceof Uint8Array && (min === undefined || value.length >= min) && (max === undefined || value.length <= max);
    }
    case 'timestamp':
      return (value) => value instanceof Date && !Number.isNaN(value.getTime());
    case 'list': {
      const { min, max } = shape;
      const member = predicateOf(shape.member);
      return (value) => {
        if (!Array.isArray(value) || (min !== undefined && value.length < min) || (max !== undefined && value.length > max)) return false;
        for (const item of value) if (item === undefined || item === null || !member(item)) return false;
        return true;
      };
    }
    case 'map': {
      const { min, max } = shape;
      const key = predicateOf(shape.key);
      const item = predicateOf(shape.value);
      return (value) => {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
        let count = 0;
        for (const k of Object.keys(value)) {
          const v = (value as Record<string, unknown>)[k];
          if (!key(k) || v === undefined || v === null || !item(v)) return false;
          count += 1;
        }
        return (min === undefined || count >= min) && (max === undefined || count <= max);
      };
    }
    case 'structure': {
      const members = compiled(shape);
      const names = members.map(([name]) => name);
      const required = members.map(([, , , isRequired]) => isRequired);
      const checks = members.map(([, member]) => predicateOf(member));
      return compiledStructurePredicate(names, required, checks) ?? structurePredicate(names, required, checks);
    }
  }
}

/**
 * The structure check of `compilePredicate` as the reference walk: the members read by name from
 * a table, `value[name]`. Every operation's input passes through one such read site, so V8's
 * property cache there sees every shape and every member name and answers from its slow,
 * megamorphic path (`compiledStructurePredicate` avoids that).
 */
function structurePredicate(names: readonly string[], required: readonly boolean[], checks: readonly Predicate[]): Predicate {
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    for (let i = 0; i < names.length; i++) {
      const memberValue = (value as Record<string, unknown>)[names[i] as string];
      if (memberValue === undefined || memberValue === null) {
        if (required[i] === true) return false;
      } else if (!(checks[i] as Predicate)(memberValue)) {
        return false;
      }
    }
    return true;
  };
}

/** Member names the generated predicate can read as `value.<name>` (every KMS member name is one). */
const PLAIN_MEMBER_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * `structurePredicate` generated for one structure, reading each member by its name (`value.KeyId`):
 * each structure gets its own function, so each read site sees one input shape and one name and
 * V8 answers it from its fast, monomorphic path. Same reads, same order, same verdicts as the
 * reference walk (test/protocol.fast-validation.test.ts holds both to the full walk). The source
 * holds nothing but the shape's own member names, checked against `PLAIN_MEMBER_NAME`; `undefined`
 * (the reference walk serves) for any other name, or where generating code is turned off
 * (`--disallow-code-generation-from-strings`).
 */
function compiledStructurePredicate(names: readonly string[], required: readonly boolean[], checks: readonly Predicate[]): Predicate | undefined {
  if (!names.every((name) => PLAIN_MEMBER_NAME.test(name))) return undefined;
  const steps = names.map(
    (name, i) =>
      `m = value.${name}; if (m === undefined || m === null) { ${required[i] === true ? 'return false;' : ''} } else if (!checks[${i}](m)) return false;`,
  );
  const source = `return function structure(value) {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  let m;
  ${steps.join('\n  ')}
  return true;
};`;
  try {
    return new Function('checks', source)(checks) as Predicate;
  } catch {
    return undefined;
  }
}

/**
 * Whether a string's length in code points is within bounds. A string of n UTF-16 units has
 * between n/2 and n code points, so most strings are decided without counting.
 */
function stringLengthWithin(value: string, min: number | undefined, max: number | undefined): boolean {
  const units = value.length;
  if ((max === undefined || units <= max) && (min === undefined || Math.ceil(units / 2) >= min)) return true;
  const length = codePointLength(value);
  return (min === undefined || length >= min) && (max === undefined || length <= max);
}

/**
 * Builds a `ValidationException` from Coral-formatted failures.
 * @example validationError(["Value '0' at 'numberOfBytes' failed to satisfy constraint: ..."])
 */
export function validationError(errors: readonly string[]): KmsError {
  const count = errors.length;
  return new KmsError('ValidationException', `${count} validation error${count === 1 ? '' : 's'} detected: ${errors.join('; ')}`);
}

/** One Coral failure line for a member value. */
export function constraintFailure(path: string, value: unknown, constraint: string, sensitive = false): string {
  const shown = sensitive ? 'Value' : value === undefined || value === null ? 'Value null' : `Value '${render(value)}'`;
  return `${shown} at '${path}' failed to satisfy constraint: ${constraint}`;
}

/** A structure's members as validation walks them: name, shape, Coral path segment, required. */
type CompiledMember = readonly [name: string, shape: Shape, pathSegment: string, required: boolean];

/** Every call validates its input: walk a precomputed member table instead of rebuilding it. */
const COMPILED = new WeakMap<StructureShape, readonly CompiledMember[]>();

function compiled(shape: StructureShape): readonly CompiledMember[] {
  let members = COMPILED.get(shape);
  if (members === undefined) {
    members = Object.entries(shape.members).map(([name, member]) => [name, member, lowerFirst(name), shape.required.includes(name)] as const);
    COMPILED.set(shape, members);
  }
  return members;
}

/**
 * The length of `value` in code points, as Coral counts it (a surrogate pair is one character),
 * without building an array of them: every string member of every call is measured.
 */
function codePointLength(value: string): number {
  let length = value.length;
  for (let i = 0; i < value.length - 1; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length -= 1;
        i += 1;
      }
    }
  }
  return length;
}

/** Member patterns, compiled once each. */
const PATTERNS = new Map<string, RegExp>();

function patternOf(pattern: string): RegExp {
  let compiledPattern = PATTERNS.get(pattern);
  if (compiledPattern === undefined) PATTERNS.set(pattern, (compiledPattern = new RegExp(pattern, 'u')));
  return compiledPattern;
}

function checkStructure(shape: StructureShape, value: Record<string, unknown>, path: string, errors: string[]): void {
  for (const [name, member, segment, required] of compiled(shape)) {
    const memberValue = value[name];
    if (memberValue === undefined || memberValue === null) {
      if (required) errors.push(constraintFailure(path ? `${path}.${segment}` : segment, undefined, 'Member must not be null'));
      continue;
    }
    checkValue(member, memberValue, path ? `${path}.${segment}` : segment, errors);
  }
}

function checkValue(shape: Shape, value: unknown, path: string, errors: string[]): void {
  switch (shape.kind) {
    case 'string': {
      if (typeof value !== 'string') throw serialization(path, 'String', value);
      const sensitive = shape.sensitive === true;
      checkLength(shape, codePointLength(value), value, path, errors, sensitive);
      if (shape.pattern !== undefined && !patternOf(shape.pattern).test(value)) {
        errors.push(constraintFailure(path, value, `Member must satisfy regular expression pattern: ${shape.pattern}`, sensitive));
      }
      if (shape.enum !== undefined && !shape.enum.includes(value)) {
        errors.push(constraintFailure(path, value, `Member must satisfy enum value set: [${shape.enum.join(', ')}]`, sensitive));
      }
      return;
    }
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw serialization(path, 'Integer', value);
      if (shape.min !== undefined && value < shape.min)
        errors.push(constraintFailure(path, value, `Member must have value greater than or equal to ${shape.min}`));
      if (shape.max !== undefined && value > shape.max)
        errors.push(constraintFailure(path, value, `Member must have value less than or equal to ${shape.max}`));
      return;
    case 'boolean':
      if (typeof value !== 'boolean') throw serialization(path, 'Boolean', value);
      return;
    case 'blob':
      if (!(value instanceof Uint8Array)) throw serialization(path, 'Blob', value);
      checkLength(shape, value.length, value, path, errors, true);
      return;
    case 'timestamp':
      if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw serialization(path, 'Timestamp', value);
      return;
    case 'list': {
      if (!Array.isArray(value)) throw serialization(path, 'List', value);
      checkLength(shape, value.length, value, path, errors, false);
      if (shape.member.kind === 'structure') {
        // Lists of structures report each bad field: `tags.1.member.tagKey`.
        for (const [i, item] of value.entries()) checkValue(shape.member, item, `${path}.${i + 1}.member`, errors);
      } else if (value.some((item) => scalarFailures(shape.member, item).length > 0)) {
        // Lists of scalars report the whole list once, with every constraint of the member shape.
        errors.push(constraintFailure(path, value, `Member must satisfy constraint: [${constraintsOf(shape.member).join(', ')}]`));
      }
      return;
    }
    case 'map': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw serialization(path, 'Map', value);
      const entries = Object.entries(value as Record<string, unknown>);
      checkLength(shape, entries.length, value, path, errors, false);
      if (entries.some(([k]) => scalarFailures(shape.key, k).length > 0)) {
        errors.push(constraintFailure(path, value, `Map keys must satisfy constraint: [${constraintsOf(shape.key).join(', ')}]`));
      }
      if (entries.some(([, v]) => scalarFailures(shape.value, v).length > 0)) {
        errors.push(constraintFailure(path, value, `Map value must satisfy constraint: [${constraintsOf(shape.value).join(', ')}]`));
      }
      return;
    }
    case 'structure':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw serialization(path, 'Structure', value);
      checkStructure(shape, value as Record<string, unknown>, path, errors);
      return;
  }
}

/** The constraint phrases a scalar value fails (types are checked by the caller's decoder). */
function scalarFailures(shape: Shape, value: unknown): string[] {
  const errors: string[] = [];
  if (value === null || value === undefined) return ['Member must not be null'];
  checkValue(shape, value, '', errors);
  return errors;
}

/** Every constraint phrase of a scalar shape, in Coral's order (max, min, pattern, enum). */
function constraintsOf(shape: Shape): string[] {
  const out: string[] = [];
  if (shape.kind === 'string' || shape.kind === 'blob') {
    if (shape.max !== undefined) out.push(`Member must have length less than or equal to ${shape.max}`);
    if (shape.min !== undefined) out.push(`Member must have length greater than or equal to ${shape.min}`);
  }
  if (shape.kind === 'integer') {
    if (shape.max !== undefined) out.push(`Member must have value less than or equal to ${shape.max}`);
    if (shape.min !== undefined) out.push(`Member must have value greater than or equal to ${shape.min}`);
  }
  if (shape.kind === 'string' && shape.pattern !== undefined) out.push(`Member must satisfy regular expression pattern: ${shape.pattern}`);
  if (shape.kind === 'string' && shape.enum !== undefined) out.push(`Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
  return out;
}

function checkLength(shape: Bounds, length: number, value: unknown, path: string, errors: string[], sensitive: boolean): void {
  if (shape.min !== undefined && length < shape.min) {
    errors.push(constraintFailure(path, value, `Member must have length greater than or equal to ${shape.min}`, sensitive));
  }
  if (shape.max !== undefined && length > shape.max) {
    errors.push(constraintFailure(path, value, `Member must have length less than or equal to ${shape.max}`, sensitive));
  }
}

/** Renders a value the way Coral's messages show it (Java `toString` style for lists and maps). */
function render(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(render).join(', ')}]`;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}=${render(v)}`)
      .join(', ')}}`;
  }
  return String(value);
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}
