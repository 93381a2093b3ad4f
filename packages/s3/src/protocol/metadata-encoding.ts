/**
 * @module
 * User metadata values on the way out, as S3 writes them. UG "Working with object metadata"
 * (user-defined metadata): values with non-US-ASCII characters "are … encoded as per RFC 2047 to
 * make them mail-safe before returning. If the string contains only US-ASCII characters, it is
 * presented as is." S3 takes each byte of the request header as one Latin-1 character, so a value
 * sent as UTF-8 comes back as the B-encoded UTF-8 of those characters: decoding the word yields
 * one code point per original byte, which readers re-pack into bytes ("double encoding": the S3
 * Encryption Clients' ContentMetadataDecodingStrategy / s3_rfc2047.rb; `ö` sent as C3 B6 returns
 * `=?UTF-8?B?w4PCtg==?=`, observed from AWS in minio/minio#21282).
 *
 * Header values reach the engine one Latin-1 code point per byte (node:http, and the in-process
 * handler, which refuses anything node:http would not send), so the stored string is exactly
 * what S3 stores. UNCONFIRMED: S3 also says it RFC 2047-decodes values before storing; an encoded
 * word sent in is kept as sent here (it returns as sent when it encodes non-ASCII text; a word
 * that decodes to plain ASCII would come back decoded from S3), and how S3 splits long words
 * (RFC 2047's 75-character limit) is not known: one word is written.
 */

/** Any character outside US-ASCII. */
const NON_ASCII = /[\u0080-\uffff]/;

/**
 * A user metadata value as S3 returns it: as is when US-ASCII, else one RFC 2047 B-encoded word
 * of its UTF-8.
 * @example mailSafeMetadataValue('Ã©') // '=?UTF-8?B?w4PCqQ==?=' (the header bytes C3 A9, 'é' in UTF-8)
 */
export function mailSafeMetadataValue(value: string): string {
  if (!NON_ASCII.test(value)) return value;
  return `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}
