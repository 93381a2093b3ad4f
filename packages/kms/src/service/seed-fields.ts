/**
 * @module
 * Field-by-field validation of one seeded key (the format is documented in `seed.ts`). Limits
 * follow AWS: key ids are lowercase UUIDs; alias names `alias/...` of at most 256 characters
 * matching the CreateAlias pattern and outside the reserved `alias/aws/` (alias-about.md); at
 * most 50 aliases and 50 tags per key, tag keys 1..128 and values 0..256 characters, no `aws:`
 * tag keys (TagResource); descriptions up to 8192 characters; key policies up to 32 KB; rotation
 * periods 90..2560 days (EnableKeyRotation); backing keys exactly 32 bytes (AES-256).
 */

import { recordOf } from '../model/dictionary.ts';
import { ALIAS_NAME_PATTERN } from '../model/identifiers.ts';
import { MATERIAL_LENGTH } from '../model/keys.ts';
import type { SeedKey } from './seed.ts';

/** A JSON object's members. */
export type Fields = Readonly<Record<string, unknown>>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const HEX_32 = /^[0-9a-fA-F]{64}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const KEY_FIELDS: ReadonlySet<string> = new Set([
  'keyId',
  'account',
  'region',
  'description',
  'aliases',
  'material',
  'enabled',
  'origin',
  'policy',
  'tags',
  'rotation',
]);
const MAX_ALIASES_PER_KEY = 50;
const MAX_TAGS = 50;
const MAX_POLICY_BYTES = 32_768;

/** A `TypeError` naming the bad field. */
export function fieldError(path: string, problem: string): TypeError {
  return new TypeError(`seed: "${path}" ${problem}`);
}

/** A short description of a JSON value's type, for error messages (never the value: it may be secret). */
export function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

/**
 * Checks one seeded key.
 * @throws TypeError naming the first bad field.
 */
export function checkKey(fields: Fields, path: string): SeedKey {
  for (const name of Object.keys(fields))
    if (!KEY_FIELDS.has(name)) throw fieldError(`${path}.${name}`, `is not a key field (expected one of ${[...KEY_FIELDS].join(', ')})`);
  const at = (name: string): string => `${path}.${name}`;
  const keyId = fields['keyId'];
  if (typeof keyId !== 'string' || !UUID.test(keyId)) {
    throw fieldError(
      at('keyId'),
      `expected a lowercase UUID such as 1234abcd-12ab-34cd-56ef-1234567890ab, got ${typeof keyId === 'string' ? JSON.stringify(keyId) : describe(keyId)}`,
    );
  }
  const account = optionalString(fields, 'account', path, (v) => ACCOUNT.test(v), '12 digits');
  const region = optionalString(fields, 'region', path, (v) => REGION.test(v), 'a Region name such as us-east-1');
  const description = optionalString(fields, 'description', path, (v) => v.length <= 8192, 'at most 8192 characters');
  const origin = optionalString(fields, 'origin', path, (v) => v === 'AWS_KMS' || v === 'EXTERNAL', '"AWS_KMS" or "EXTERNAL"') as SeedKey['origin'];
  const enabled = fields['enabled'];
  if (enabled !== undefined && typeof enabled !== 'boolean') throw fieldError(at('enabled'), `expected true or false, got ${describe(enabled)}`);
  const material = checkMaterial(fields['material'], at('material'), origin === 'EXTERNAL');
  if (origin === 'EXTERNAL' && material === undefined && enabled !== undefined) {
    throw fieldError(at('enabled'), 'cannot be set on an EXTERNAL key without material: it is PendingImport until material is imported');
  }
  const rotation = checkRotation(fields['rotation'], at('rotation'));
  if (rotation?.enabled === true && origin === 'EXTERNAL') {
    throw fieldError(at('rotation'), 'cannot enable automatic rotation of an EXTERNAL key: AWS rotates imported key material only on demand');
  }
  const key: SeedKey = {
    keyId,
    ...(account === undefined ? {} : { account }),
    ...(region === undefined ? {} : { region }),
    ...(description === undefined ? {} : { description }),
    ...(origin === undefined ? {} : { origin }),
    ...(enabled === undefined ? {} : { enabled }),
    ...(material === undefined ? {} : { material }),
    ...(rotation === undefined ? {} : { rotation }),
  };
  const aliases = checkAliases(fields['aliases'], at('aliases'));
  const policy = checkPolicy(fields['policy'], at('policy'));
  const tags = checkTags(fields['tags'], at('tags'));
  return { ...key, ...(aliases === undefined ? {} : { aliases }), ...(policy === undefined ? {} : { policy }), ...(tags === undefined ? {} : { tags }) };
}

/**
 * Decodes one backing key: 64 hex digits or base64, exactly 32 bytes.
 * @throws TypeError naming `path` (the error gives the length, never the bytes).
 */
export function parseMaterial(text: string, path: string): Uint8Array {
  if (HEX_32.test(text)) return new Uint8Array(Buffer.from(text, 'hex'));
  if (!BASE64.test(text)) throw fieldError(path, 'expected base64 (or 64 hex digits) of 32 bytes, got text that is neither');
  const bytes = new Uint8Array(Buffer.from(text, 'base64'));
  if (bytes.length !== MATERIAL_LENGTH) throw fieldError(path, `expected ${MATERIAL_LENGTH} bytes of key material, got ${bytes.length}`);
  return bytes;
}

function optionalString(fields: Fields, name: string, path: string, valid: (value: string) => boolean, expected: string): string | undefined {
  const value = fields[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !valid(value)) {
    throw fieldError(
      `${path}.${name}`,
      `expected ${expected}, got ${typeof value === 'string' ? JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}...` : value) : describe(value)}`,
    );
  }
  return value;
}

function checkMaterial(value: unknown, path: string, imported: boolean): string | string[] | undefined {
  if (value === undefined) return undefined;
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0) throw fieldError(path, `expected a base64 string or a non-empty list of them, got ${describe(value)}`);
  if (imported && list.length > 1)
    throw fieldError(path, `lists ${list.length} versions; an EXTERNAL key has one imported key material (Strongbox does not rotate imported material)`);
  for (const [index, text] of list.entries()) {
    const where = typeof value === 'string' ? path : `${path}[${index}]`;
    if (typeof text !== 'string') throw fieldError(where, `expected a base64 string, got ${describe(text)}`);
    parseMaterial(text, where);
  }
  return typeof value === 'string' ? value : [...(list as string[])];
}

function checkAliases(value: unknown, path: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw fieldError(path, `expected a list of alias names, got ${describe(value)}`);
  if (value.length > MAX_ALIASES_PER_KEY) throw fieldError(path, `lists ${value.length} aliases; a key can have at most ${MAX_ALIASES_PER_KEY}`);
  for (const [index, name] of value.entries()) {
    const where = `${path}[${index}]`;
    if (typeof name !== 'string' || !name.startsWith('alias/') || name.length <= 'alias/'.length || name.length > 256 || !ALIAS_NAME_PATTERN.test(name)) {
      throw fieldError(
        where,
        `expected an alias name alias/<name> (letters, digits, / _ - :, at most 256 characters), got ${typeof name === 'string' ? JSON.stringify(name) : describe(name)}`,
      );
    }
    if (name.startsWith('alias/aws/')) throw fieldError(where, `uses the prefix alias/aws/, which AWS reserves for AWS managed keys`);
  }
  return [...(value as string[])];
}

function checkPolicy(value: unknown, path: string): string | Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  let text: string;
  if (typeof value === 'string') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      throw fieldError(path, 'is not valid JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw fieldError(path, 'expected a JSON object (a policy document)');
    text = value;
  } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    text = JSON.stringify(value, null, 2);
  } else {
    throw fieldError(path, `expected a policy document (object or JSON text), got ${describe(value)}`);
  }
  if (Buffer.byteLength(text) > MAX_POLICY_BYTES) throw fieldError(path, `is ${Buffer.byteLength(text)} bytes; a key policy is at most 32 KB`);
  return typeof value === 'string' ? value : (value as Record<string, unknown>);
}

function checkTags(value: unknown, path: string): Record<string, string> | { TagKey: string; TagValue: string }[] | undefined {
  if (value === undefined) return undefined;
  let pairs: [string, unknown][];
  if (Array.isArray(value)) {
    pairs = value.map((tag: unknown, index) => {
      const fields = typeof tag === 'object' && tag !== null && !Array.isArray(tag) ? (tag as Fields) : undefined;
      if (fields === undefined || typeof fields['TagKey'] !== 'string' || Object.keys(fields).some((k) => k !== 'TagKey' && k !== 'TagValue')) {
        throw fieldError(`${path}[${index}]`, 'expected { "TagKey": string, "TagValue": string }');
      }
      return [fields['TagKey'], fields['TagValue']];
    });
  } else if (typeof value === 'object' && value !== null) {
    pairs = Object.entries(value);
  } else {
    throw fieldError(path, `expected an object of tag keys to values, got ${describe(value)}`);
  }
  if (pairs.length > MAX_TAGS) throw fieldError(path, `has ${pairs.length} tags; a key can have at most ${MAX_TAGS}`);
  const seen = new Set<string>();
  for (const [key, tagValue] of pairs) {
    const where = `${path}.${key}`;
    if (key.length < 1 || key.length > 128) throw fieldError(where, 'expected a tag key of 1..128 characters');
    if (key.startsWith('aws:')) throw fieldError(where, 'uses the prefix aws:, which AWS reserves');
    if (seen.has(key)) throw fieldError(where, 'repeats a tag key');
    seen.add(key);
    if (typeof tagValue !== 'string' || tagValue.length > 256) throw fieldError(where, `expected a tag value of 0..256 characters, got ${describe(tagValue)}`);
  }
  return Array.isArray(value) ? pairs.map(([TagKey, TagValue]) => ({ TagKey, TagValue: TagValue as string })) : recordOf(pairs as [string, string][]);
}

function checkRotation(value: unknown, path: string): { enabled: boolean; periodInDays?: number } | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw fieldError(path, `expected { "enabled": boolean, "periodInDays"?: number }, got ${describe(value)}`);
  const fields = value as Fields;
  for (const name of Object.keys(fields))
    if (name !== 'enabled' && name !== 'periodInDays') throw fieldError(`${path}.${name}`, 'is not a rotation field (expected enabled, periodInDays)');
  const enabled = fields['enabled'];
  if (typeof enabled !== 'boolean') throw fieldError(`${path}.enabled`, `expected true or false, got ${describe(enabled)}`);
  const period = fields['periodInDays'];
  if (period === undefined) return { enabled };
  if (typeof period !== 'number' || !Number.isInteger(period) || period < 90 || period > 2560) {
    throw fieldError(`${path}.periodInDays`, `expected a whole number of days from 90 to 2560, got ${typeof period === 'number' ? period : describe(period)}`);
  }
  return { enabled, periodInDays: period };
}
