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
 * Byte arrays (key material) are written as `{"$b64": "<base64>"}`; records hold no other
 * non-JSON values (times are epoch milliseconds).
 */

import { RawAesKeyring, open, seal, type Backend, type EncryptionContext } from '@strongbox/envelope';
import type { Change } from '../model/state.ts';
import { encodeRecord } from './record-file.ts';

/** A journal (changes after a snapshot) or a snapshot (the whole state). */
export type FileKind = 'journal' | 'snapshot';

/** Snapshot and journal format version written in every snapshot header. */
export const FORMAT_VERSION = 1;

/** A record's decoded content. */
export type Payload =
  /** State changes (a journal batch, or a slice of a snapshot). */
  | { readonly t: 'changes'; readonly changes: Change[] }
  /** First record of a snapshot. */
  | { readonly t: 'header'; readonly format: number; readonly generation: number }
  /** Last record of a snapshot: the number of records before it. */
  | { readonly t: 'end'; readonly records: number };

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
  const payload: unknown = JSON.parse(json, (_key, value: unknown) => {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const b64 = (value as { $b64?: unknown }).$b64;
      if (typeof b64 === 'string' && Object.keys(value).length === 1) return new Uint8Array(Buffer.from(b64, 'base64'));
    }
    return value;
  });
  const t = (payload as { t?: unknown } | null)?.t;
  if (t !== 'changes' && t !== 'header' && t !== 'end') throw new TypeError('record payload of unknown type');
  return payload as Payload;
}

/**
 * A JSON-ready copy: byte arrays tagged. Walked by hand rather than with a `JSON.stringify`
 * replacer because a Node `Buffer`'s `toJSON` would run before the replacer sees it.
 */
function toPlain(value: unknown): unknown {
  if (value instanceof Uint8Array) return { $b64: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (Array.isArray(value)) return value.map(toPlain);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [name, member] of Object.entries(value)) if (member !== undefined) out[name] = toPlain(member);
    return out;
  }
  return value;
}
