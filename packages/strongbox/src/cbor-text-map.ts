/**
 * @module
 * A map of text strings to text strings in CBOR (RFC 8949), the one shape the endpoint writes in
 * CBOR: the Smithy RPC v2 CBOR error body `{"__type": …, "message": …}` (unserved.ts). It is
 * written here rather than taken from a CBOR library because nothing the endpoint depends on at
 * run time exports one (the SDK's codec, `@smithy/core/cbor`, is reachable only through the AWS
 * clients' own dependencies), and two data items are all it needs:
 * - a map (major type 5) of definite length, its pairs in the order given;
 * - text strings (major type 3) of definite length, their length in UTF-8 bytes.
 * Each item's head is the major type in the top three bits and, in the low five, the length itself
 * below 24, or 24/25/26 followed by the length in 1/2/4 big-endian bytes (RFC 8949 §3, §3.1).
 */

const MAP = 5;
const TEXT = 3;

/**
 * The CBOR encoding of `entries`, a map of text strings (at most 2^32 - 1 entries, each string at
 * most 2^32 - 1 UTF-8 bytes, far beyond any error message).
 * @example cborTextMap({ a: 'b' }) // Uint8Array [0xa1, 0x61, 0x61, 0x61, 0x62]
 */
export function cborTextMap(entries: Readonly<Record<string, string>>): Uint8Array {
  const pairs = Object.entries(entries);
  const chunks: Uint8Array[] = [head(MAP, pairs.length)];
  for (const [key, value] of pairs) for (const text of [key, value]) chunks.push(head(TEXT, Buffer.byteLength(text)), Buffer.from(text, 'utf8'));
  return Buffer.concat(chunks);
}

/** The head of a data item of major type `major` whose length is `length` (RFC 8949 §3). */
function head(major: number, length: number): Uint8Array {
  const type = major << 5;
  if (length < 24) return Uint8Array.of(type | length);
  if (length <= 0xff) return Uint8Array.of(type | 24, length);
  if (length <= 0xffff) return Uint8Array.of(type | 25, length >> 8, length & 0xff);
  const bytes = new Uint8Array(5);
  bytes[0] = type | 26;
  new DataView(bytes.buffer).setUint32(1, length);
  return bytes;
}
