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
  const encoder = new TextEncoder();
  let size = 0;
  for (const [name, value] of Object.entries(metadata)) size += encoder.encode(name).length + encoder.encode(String(value)).length;
  if (size > MAX_USER_METADATA_SIZE) {
    throw new S3Error('MetadataTooLarge', {
      fields: [
        ['Size', String(size)],
        ['MaxSizeAllowed', String(MAX_USER_METADATA_SIZE)],
      ],
    });
  }
}
