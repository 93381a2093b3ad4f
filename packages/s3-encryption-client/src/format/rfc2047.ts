/**
 * @module
 * Decoding of non-ASCII S3 metadata values. S3 returns a value with non-US-ASCII characters as RFC
 * 2047 encoded words (`=?UTF-8?B?...?=`), and what they decode to is "double encoded": each UTF-8
 * byte of the original appears as one Latin-1 code point (U+0080-U+00FF). This module undoes both
 * steps (spec `data-format/metadata-strategy.md` L55-61; Java `ContentMetadataDecodingStrategy.java`;
 * Ruby V3 `encryptionV3/s3_rfc2047.rb`). Node also hands raw non-ASCII header bytes over as Latin-1
 * code points, which the second step repairs too.
 */

import { S3EncryptionClientError } from '../errors.ts';

const WORD = /=\?([^\s?=]+)\?([BbQq])\?([!->@-~]+)\?=/g;
// RFC 2047 §6.2: whitespace between adjacent encoded words is dropped.
const ADJACENT_WORDS = /(=\?[^\s?=]+\?[BbQq]\?[!->@-~]+\?=)[\s]+(?==\?)/g;
const LATIN1_RUN = /[\u0080-\u00ff]+/g;

/**
 * Decodes an S3 metadata value: RFC 2047 encoded words, then the UTF-8-via-Latin-1 double encoding.
 * ASCII values come back unchanged.
 *
 * @throws S3EncryptionClientError `MalformedMetadata` for an unknown charset or bytes that are not UTF-8.
 * @example
 * ```ts
 * decodeMetadataValue('=?UTF-8?B?w4PCpcODwqXDg8Kl?='); // 'ååå'
 * ```
 */
export function decodeMetadataValue(value: string): string {
  return decodeUtf8ViaLatin1(decodeRfc2047(value));
}

/**
 * Decodes RFC 2047 encoded words (B and Q encodings; UTF-8, US-ASCII and ISO-8859-1 charsets). S3
 * encodes the whole value or none of it, so a value not starting with `=?` is returned as is.
 *
 * @throws S3EncryptionClientError `MalformedMetadata` for a charset other than those three.
 * @example
 * ```ts
 * decodeRfc2047('=?UTF-8?B?aGVs?= =?UTF-8?Q?lo?='); // 'hello'
 * ```
 */
export function decodeRfc2047(value: string): string {
  if (!value.startsWith('=?')) return value;
  return value.replace(ADJACENT_WORDS, '$1').replace(WORD, (_word, charset: string, encoding: string, text: string) => {
    const bytes = encoding === 'B' || encoding === 'b' ? Buffer.from(text, 'base64') : decodeQ(text);
    const name = charset.toLowerCase();
    if (name === 'utf-8' || name === 'utf8' || name === 'us-ascii') return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    if (name === 'iso-8859-1' || name === 'latin1') return bytes.toString('latin1');
    throw new S3EncryptionClientError('MalformedMetadata', `unsupported RFC 2047 charset ${JSON.stringify(charset)}`);
  });
}

/**
 * Repacks each run of U+0080-U+00FF code points into bytes and reads them as UTF-8.
 *
 * @throws S3EncryptionClientError `MalformedMetadata` when a run is not valid UTF-8.
 * @example
 * ```ts
 * decodeUtf8ViaLatin1('cafÃ©'); // 'café'
 * ```
 */
export function decodeUtf8ViaLatin1(value: string): string {
  return value.replace(LATIN1_RUN, (run) => {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(run, 'latin1'));
    } catch (error) {
      throw new S3EncryptionClientError('MalformedMetadata', 'a metadata value is not valid UTF-8 after RFC 2047 decoding', { cause: error });
    }
  });
}

/** RFC 2047 §4.2 Q encoding: `_` is a space, `=XX` a byte. */
function decodeQ(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (char === 0x5f) bytes.push(0x20);
    else if (char === 0x3d && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(char & 0xff);
  }
  return Buffer.from(bytes);
}
