/**
 * @module
 * GetObject: an object's plaintext, whole (200) or a Range or part (206 with `ContentRange`),
 * decrypting only the frames that cover the bytes asked for. SSE-C objects need the key they
 * were stored with (400 without it, 403 AccessDenied for another key, checked against the stored
 * verifier before any decryption); SSE-C headers on other objects are 400. The response echoes
 * exactly the encryption fields S3 echoes for the mode.
 *
 * A data event: CloudTrail records it only in trails with S3 data events enabled, so it is
 * recorded in the trail only when the engine's `dataEvents` are on (off by default).
 */

import { openObject, openObjectRange } from '../crypto/index.ts';
import type { ChecksumResponseMembers } from '../model/checksum.ts';
import { checkRetrievable } from '../model/storage-class.ts';
import type { ObjectReader } from '../storage/types.ts';
import { ObjectBody } from './shared/body.ts';
import { addReadChecksumMembers, type ChecksumModeMember } from './shared/checksums.ts';
import { objectRecord } from './shared/objects.ts';
import {
  checkReadRequest,
  type ObjectHeadMembers,
  objectHead,
  partialStatus,
  plaintextBounds,
  READ_REQUEST,
  type ReadMembers,
  readKeys,
  readResponse,
  resolveRead,
  tagCountReadable,
} from './shared/read.ts';
import type { OperationDefinition } from './types.ts';

/** GetObject request. */
export interface GetObjectRequest extends ReadMembers, ChecksumModeMember {}

/** GetObject response. */
export interface GetObjectResponse extends ObjectHeadMembers, ChecksumResponseMembers {
  /** The plaintext, decrypted as it is read. */
  Body: ObjectBody;
}

/** GetObject. */
export const getObject: OperationDefinition<'GetObject', GetObjectRequest, GetObjectResponse> = {
  name: 'GetObject',
  quota: { shared: 'read' },
  readOnly: true,
  eventCategory: 'Data',
  // 206 for a Range or partNumber read (the response then has a Content-Range).
  rest: { method: 'GET', path: 'object', status: partialStatus, request: READ_REQUEST, response: readResponse(true) },
  // With a version id (here only `null`), s3:GetObjectVersion instead (API reference, "versionId").
  access: { action: 's3:GetObject', versionAction: 's3:GetObjectVersion', resource: 'object' },

  async handler(input, context) {
    const { bucket, target, access, key, region } = await checkReadRequest(input, context);
    // The reader pins the object's bytes: a concurrent replace or delete does not change what
    // this GET returns.
    const reader = await context.store.openObject(target, key);
    if (reader === undefined) throw context.missingObject(key);
    try {
      // A decision taken on the object's tags holds for the record served, before anything else
      // is said of it: an object swapped in since the tag read and refused by a tag-based Deny is
      // AccessDenied, not an InvalidObjectState naming its storage class.
      const stored = objectRecord(reader.info);
      context.confirmObjectTags(bucket, key, stored.tags);
      // An archived (GLACIER, DEEP_ARCHIVE) object is read only while a restored copy exists at
      // the request's time: 403 InvalidObjectState otherwise, as S3 answers.
      checkRetrievable(stored, context.now);
      const { opened, customerKey } = await resolveRead(input, context, { reader });
      const keys = await readKeys(opened.record, bucket, customerKey, context, region);
      const { start, end } = plaintextBounds(opened.range);
      const { record, range } = opened;
      const whole = range.kind === 'full';
      // A swapped blob of the segment the body starts with answers 500 now, before the response
      // starts. Later segments are checked as the body reaches them (a mismatch there cuts the
      // response, as any storage fault mid-body does): checking thousands of parts up front would
      // hold a blob open for each, and delay the first byte by a read of every one.
      const first = firstSegmentUnder(record.segments, start, end);
      if (first !== undefined) await reader.check?.([first]);
      const body = new ObjectBody(
        () => (whole ? openObject(reader, record.segments, keys) : openObjectRange(reader, record.segments, keys, start, end)),
        () => released(keys, reader),
      );
      // Built in place, member group by member group (spreads would copy each into a new object).
      const response: GetObjectResponse = Object.assign(objectHead('GetObject', opened, tagCountReadable(record, access, key, context, input.VersionId)), {
        Body: body,
      });
      return addReadChecksumMembers(response, input, record.info.metadata, range);
    } catch (error) {
      await reader.close();
      throw error;
    }
  },
};

/** Releases what a read holds: its keys, then its reader. */
async function released(keys: { dispose(): void }, reader: ObjectReader): Promise<void> {
  keys.dispose();
  await reader.close();
}

/** The index of the first segment holding plaintext bytes of `[start, end)`, if any. */
function firstSegmentUnder(segments: readonly { readonly plaintextSize: number }[], start: number, end: number): number | undefined {
  let from = 0;
  for (const [index, segment] of segments.entries()) {
    const to = from + segment.plaintextSize;
    if (from >= end) return undefined;
    if (to > start) return index;
    from = to;
  }
  return undefined;
}
