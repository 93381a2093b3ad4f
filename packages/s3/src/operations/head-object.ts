/**
 * @module
 * HeadObject: GetObject's answer without the body, with the same checks (an SSE-C object needs
 * its key, and a wrong key is 403, as S3 answers HEAD). Range and partNumber size the answer as
 * they would a GET.
 *
 * A data event: CloudTrail records it only in trails with S3 data events enabled, so it is not
 * recorded in the trail.
 */

import type { SseResponseMembers } from './shared/objects.ts';
import { checkReadRequest, plaintextBounds, type ReadMembers, readKeys, resolveRead } from './shared/read.ts';
import { responseEncryption } from './shared/response.ts';
import type { OperationDefinition } from './types.ts';

/** HeadObject request. */
export interface HeadObjectRequest extends ReadMembers {}

/** HeadObject response. */
export interface HeadObjectResponse extends SseResponseMembers {
  ContentLength: number;
  ContentRange?: string;
  ETag: string;
  LastModified: Date;
  ContentType: string;
  Metadata: Record<string, string>;
  AcceptRanges: 'bytes';
  PartsCount?: number;
}

/** HeadObject. */
export const headObject: OperationDefinition<'HeadObject', HeadObjectRequest, HeadObjectResponse> = {
  name: 'HeadObject',
  quota: { shared: 'read' },
  readOnly: true,
  eventCategory: 'Data',

  async handler(input, context) {
    const { bucket, key } = await checkReadRequest(input, context);
    const { opened, customerKey } = await resolveRead({ ...input, Bucket: bucket, Key: key }, context);
    // Verifies an SSE-C key (403 for a wrong one) without decrypting anything.
    (await readKeys(opened.record, bucket, customerKey, context)).dispose();
    const { record, range } = opened;
    const { start, end } = plaintextBounds(range);
    return {
      ContentLength: end - start,
      ...(range.kind === 'partial' ? { ContentRange: `bytes ${range.start}-${range.end}/${range.size}` } : {}),
      ETag: record.etag,
      LastModified: new Date(record.info.lastModified),
      ContentType: record.contentType,
      Metadata: record.userMetadata,
      AcceptRanges: 'bytes',
      ...(opened.partsCount === undefined ? {} : { PartsCount: opened.partsCount }),
      ...responseEncryption('HeadObject', record.mode, opened.customerKeyMd5),
    };
  },
};
