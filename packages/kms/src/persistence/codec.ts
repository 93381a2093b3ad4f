/**
 * @module
 * What goes inside a record: a JSON payload (a batch of `Change`s, or a snapshot's header or end
 * marker), sealed as a whole with @strongbox/envelope under the root key, so the data directory
 * holds no key material (and no metadata) in the clear. Each record's encryption context names its
 * file kind, generation and position, so a record moved to another file or place fails to open.
 *
 * One seal per record, not per key material: a record carries a whole group-commit batch, and a
 * seal costs about 45 µs and 200 bytes whatever the payload size (measured on the node backend),
 * against one seal per material of every `putKey` (a key carries all its backing-key versions).
 * Byte arrays (key material) are written as `{"$b64": "<base64>"}` (and a map that would read as
 * such a tag is escaped, see `toPlain`); records hold no other non-JSON values (times are epoch
 * milliseconds).
 */

import { type Backend, type EncryptionContext, open, RawAesKeyring, seal } from '@strongbox/envelope';
import type { AuditEvent } from '@strongbox/service-kernel';
import { emptyRecord } from '../model/dictionary.ts';
import type { Change } from '../model/state.ts';
import { encodeRecord } from './record-file.ts';

/** A journal (changes after a snapshot), a snapshot (the whole state) or an audit file (`audit-log.ts`). */
export type FileKind = 'journal' | 'snapshot' | 'audit';

/** Snapshot and journal format version written in every snapshot header. */
export const FORMAT_VERSION = 1;

/** A record's decoded content. */
export type Payload =
  /** State changes (a journal batch, or a slice of a snapshot). */
  | { readonly t: 'changes'; readonly changes: Change[] }
  /** First record of a snapshot. */
  | { readonly t: 'header'; readonly format: number; readonly generation: number }
  /** Last record of a snapshot: the number of records before it. */
  | { readonly t: 'end'; readonly records: number }
  /** A batch of audit events (`audit-log.ts`). */
  | { readonly t: 'audit'; readonly events: AuditEvent[] };

/** Where a record lives: bound into its encryption context. */
export interface RecordPlace {
  readonly kind: FileKind;
  readonly generation: number;
  readonly sequence: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Seals and opens record payloads under the root key. */
export class RecordSealer {
  readonly #keyring: RawAesKeyring;
  readonly #backend: Backend | undefined;

  /**
   * @param rootKey - 32 bytes (copied).
   * @throws RangeError if the root key is not 32 bytes.
   */
  constructor(rootKey: Uint8Array, backend?: Backend) {
    this.#backend = backend;
    this.#keyring = new RawAesKeyring({ name: 'strongbox-root', key: rootKey, ...(backend === undefined ? {} : { backend }) });
  }

  /** Seals a payload's JSON text and frames it as a record. */
  async sealRecord(json: string, place: RecordPlace): Promise<Uint8Array> {
    const plaintext = encoder.encode(json);
    try {
      return encodeRecord(await seal(plaintext, this.#options(place)));
    } finally {
      plaintext.fill(0);
    }
  }

  /**
   * Opens a record payload.
   * @throws EnvelopeError DECRYPT_FAILED under another root key or for a record out of place.
   * @throws SyntaxError / TypeError if the authenticated content is not a payload (a bug).
   */
  async openRecord(sealed: Uint8Array, place: RecordPlace): Promise<Payload> {
    const plaintext = await open(sealed, this.#options(place));
    try {
      return decodePayload(decoder.decode(plaintext));
    } finally {
      plaintext.fill(0);
    }
  }

  /** Wipes the root key copy. */
  destroy(): void {
    this.#keyring.destroy();
  }

  #options(place: RecordPlace): { keyring: RawAesKeyring; context: EncryptionContext; backend?: Backend } {
    const context = { 'strongbox:file': place.kind, 'strongbox:generation': String(place.generation), 'strongbox:sequence': String(place.sequence) };
    return { keyring: this.#keyring, context, ...(this.#backend === undefined ? {} : { backend: this.#backend }) };
  }
}

/** JSON text of one change, byte arrays as `{"$b64": ...}`. */
export function encodeChange(change: Change): string {
  return JSON.stringify(toPlain(change));
}

/** JSON text of a `changes` payload from already encoded changes. */
export function changesJson(encoded: readonly string[]): string {
  return `{"t":"changes","changes":[${encoded.join(',')}]}`;
}

/** JSON text of an audit record: events, maps escaped as in changes (`toPlain`). */
export function auditRecordJson(events: readonly AuditEvent[]): string {
  return JSON.stringify({ t: 'audit', events: events.map(toPlain) });
}

/** JSON text of a snapshot header. */
export function headerJson(generation: number): string {
  return JSON.stringify({ t: 'header', format: FORMAT_VERSION, generation });
}

/** JSON text of a snapshot end marker. */
export function endJson(records: number): string {
  return JSON.stringify({ t: 'end', records });
}

/** @throws TypeError if the text is not a payload. */
function decodePayload(json: string): Payload {
  const payload = fromPlain(JSON.parse(json));
  const t = (payload as { t?: unknown } | null)?.t;
  if (t !== 'changes' && t !== 'header' && t !== 'end' && t !== 'audit') throw new TypeError('record payload of unknown type');
  return payload as Payload;
}

/**
 * The inverse of `toPlain`, top down (a `JSON.parse` reviver runs bottom up, so it would read the
 * inside of an escaped map as a tag before seeing the escape). Objects come back without a
 * prototype: their keys include the callers' map keys (`__proto__` in an encryption context).
 */
function fromPlain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromPlain);
  if (typeof value !== 'object' || value === null) return value;
  const object = value as Record<string, unknown>;
  const names = Object.keys(object);
  const [only] = names;
  if (names.length === 1 && only !== undefined) {
    const tagged = object[only];
    if (only === '$b64' && typeof tagged === 'string') return new Uint8Array(Buffer.from(tagged, 'base64'));
    if (only === '$o' && typeof tagged === 'object' && tagged !== null && !Array.isArray(tagged)) return membersFromPlain(tagged as Record<string, unknown>);
  }
  return membersFromPlain(object);
}

function membersFromPlain(object: Record<string, unknown>): Record<string, unknown> {
  const out = emptyRecord<unknown>();
  for (const [name, member] of Object.entries(object)) out[name] = fromPlain(member);
  return out;
}

/**
 * A JSON-ready copy: byte arrays tagged `{"$b64": ...}`. An object that would read as a tag (its
 * only key `$b64` or `$o`: an encryption context or grant constraint can be `{"$b64": "QUFB"}`)
 * is escaped as `{"$o": {...}}`, so it never comes back as bytes. Walked by hand rather than with
 * a `JSON.stringify` replacer because a Node `Buffer`'s `toJSON` would run before the replacer
 * sees it.
 */
function toPlain(value: unknown): unknown {
  if (value instanceof Uint8Array) return { $b64: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (Array.isArray(value)) return value.map(toPlain);
  if (typeof value === 'object' && value !== null) {
    // No prototype: `out['__proto__'] = ...` must store a key, not call the setter.
    const out = emptyRecord<unknown>();
    let count = 0;
    let only = '';
    for (const [name, member] of Object.entries(value)) {
      if (member === undefined) continue;
      out[name] = toPlain(member);
      count += 1;
      only = name;
    }
    return count === 1 && (only === '$b64' || only === '$o') ? { $o: out } : out;
  }
  return value;
}
