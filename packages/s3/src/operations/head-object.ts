/**
 * @module
 * HeadObject: GetObject's answer without the body, with the same checks (an SSE-C object needs
 * its key, and a wrong key is 403, as S3 answers HEAD). Range and partNumber size the answer as
 * they would a GET.
 *
 * A data event: CloudTrail records it only in trails with S3 data events enabled, so it is
 * recorded in the trail only when the engine's `dataEvents` are on (off by default).
 */

import type { ChecksumResponseMembers } from '../model/checksum.ts';
import { addReadChecksumMembers, type ChecksumModeMember } from './shared/checksums.ts';
import {
  checkReadRequest,
  type ObjectHeadMembers,
  objectHead,
  partialStatus,
  READ_REQUEST,
  type ReadMembers,
  readKeys,
  readResponse,
  resolveRead,
  tagCountReadable,
} from './shared/read.ts';
import type { OperationDefinition } from './types.ts';

/** HeadObject request. */
export interface HeadObjectRequest extends ReadMembers, ChecksumModeMember {}

/** HeadObject response. */
export interface HeadObjectResponse extends ObjectHeadMembers, ChecksumResponseMembers {}

/** HeadObject. */
export const headObject: OperationDefinition<'HeadObject', HeadObjectRequest, HeadObjectResponse> = {
  name: 'HeadObject',
  quota: { shared: 'read' },
  readOnly: true,
  eventCategory: 'Data',
  rest: { method: 'HEAD', path: 'object', status: partialStatus, request: READ_REQUEST, response: readResponse(false) },
  // HeadObject is authorized by s3:GetObject, and by "the relevant read object (or version)
  // permission" (S3 API reference): s3:GetObjectVersion for a request naming a version.
  access: { action: 's3:GetObject', versionAction: 's3:GetObjectVersion', resource: 'object' },

  async handler(input, context) {
    const { bucket, target, access, key } = await checkReadRequest(input, context);
    const { opened, customerKey } = await resolveRead({ ...input, Bucket: bucket, Key: key }, context, { bucket: target });
    // Verifies an SSE-C key (403 for a wrong one) without decrypting anything. A KMS object's
    // HEAD answers from its stored record without calling KMS: the HeadObject API reference
    // ("Permissions") requires s3:GetObject only, while kms:Decrypt is documented for downloads
    // (re:Post "decrypt-kms-encrypted-objects-s3": "When a user sends a GET request…") and for
    // UploadPart/UploadPartCopy ("s3-large-file-encryption-kms-key"), never for HEAD. UNCONFIRMED:
    // no capture of a HEAD by a caller without kms:Decrypt (README, known differences).
    if (opened.record.mode !== 'SSE-KMS' && opened.record.mode !== 'DSSE-KMS') (await readKeys(opened.record, bucket, customerKey, context)).dispose();
    const head: HeadObjectResponse = objectHead('HeadObject', opened, tagCountReadable(opened.record, access, key, context, input.VersionId));
    return addReadChecksumMembers(head, input, opened.record.info.metadata, opened.range);
  },
};
