/**
 * @module
 * User-defined object metadata's size limit (UG "Working with object metadata": "the user-defined
 * metadata is limited to 2 KB in size … measured by taking the sum of the number of bytes in the
 * UTF-8 encoding of each key and value"; keys without their `x-amz-meta-` prefix, as versitygw,
 * whose suite is checked against S3, counts them).
 */

import { S3Error } from '../errors.ts';

/** The most bytes of user-defined metadata (keys and values, UTF-8) one object carries. */
export const MAX_USER_METADATA_SIZE = 2048;

/**
 * Refuses user metadata over 2 KB.
 * @throws S3Error MetadataTooLarge (400, with `Size` and `MaxSizeAllowed`).
 * @example
 * ```ts
 * import { checkUserMetadataSize } from '@strongbox/s3';
 * checkUserMetadataSize({ team: 'blue' }); // fine: 8 bytes
 * ```
 */
export function checkUserMetadataSize(metadata: Readonly<Record<string, string>> | undefined): void {
  if (metadata === undefined) return;
  let size = 0;
  for (const [name, value] of Object.entries(metadata)) size += utf8Size(name) + utf8Size(String(value));
  if (size > MAX_USER_METADATA_SIZE) {
    throw new S3Error('MetadataTooLarge', {
      fields: [
        ['Size', String(size)],
        ['MaxSizeAllowed', String(MAX_USER_METADATA_SIZE)],
      ],
    });
  }
}

/** Characters beyond Latin-1: the text did not come from a header (a direct engine call). */
const BEYOND_LATIN1 = /[\u0100-\uffff]/;

/**
 * The bytes of `text` as the client sent them. A header value reaches the engine one Latin-1 code
 * point per byte (node:http and the in-process handler alike), so its length is the count of the
 * UTF-8 bytes sent: re-encoding those code points as UTF-8 would count every non-ASCII byte twice.
 * Text with characters beyond U+00FF cannot have come from a header: its UTF-8 length.
 * UNCONFIRMED: S3 stores such values as Latin-1 characters too (it returns their UTF-8, see
 * protocol/metadata-encoding.ts); that it counts the bytes sent (the UG's "UTF-8 encoding of each
 * key and value") rather than that re-encoding is from the UG's wording, not an observed answer.
 */
function utf8Size(text: string): number {
  return BEYOND_LATIN1.test(text) ? Buffer.byteLength(text, 'utf8') : text.length;
}
