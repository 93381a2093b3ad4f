/**
 * @module
 * PutObject: stores a body, encrypted at rest by the mode the request names or the bucket's
 * default (the model's `decideWriteEncryption` and its errors), streamed through the object
 * cipher into storage. SSE-KMS and DSSE-KMS data keys come from KMS, called on the caller's
 * behalf before any byte is stored (a KMS refusal is the answer, and nothing is written); with a
 * bucket key, from the requester's bucket key. ETags per mode (`objectEtag`): the plaintext MD5 for
 * SSE-S3, 16 random bytes for the others. A Content-MD5 is checked against the plaintext before the
 * object becomes visible (400 BadDigest; nothing stored), and so is the additional checksum
 * (`ChecksumCRC32` ... `ChecksumSHA256`, or an aws-chunked trailer; CRC64NVME when none is sent),
 * computed over the plaintext and stored with the object (`shared/checksums.ts`). The response
 * echoes the checksum and exactly the encryption fields S3 echoes for the mode (`echoedEncryption`).
 *
 * A data event: CloudTrail records it only in trails with S3 data events enabled, so it is
 * recorded in the trail only when the engine's `dataEvents` are on (off by default).
 */

import { sealObject } from '../crypto/index.ts';
import { S3Error } from '../errors.ts';
import type { ChecksumMembers, ChecksumResponseMembers } from '../model/checksum.ts';
import { addChecksumMembers } from '../model/checksum.ts';
import { parseWriteCondition } from '../model/conditional-write.ts';
import { etagKind, objectEtag } from '../model/etag.ts';
import { checkUserMetadataSize } from '../model/metadata.ts';
import { type ObjectHeaders, objectHeadersJson, objectHeadersOf } from '../model/object-headers.ts';
import { checkStorageClass } from '../model/storage-class.ts';
import { NO_TAGS, parseTaggingHeader } from '../model/tagging.ts';
import { checkProposedSize } from '../model/upload-size.ts';
import { header, metadataHeaders, streamPayload } from '../protocol/binding.ts';
import { CHECKSUM_REQUEST, CHECKSUM_RESPONSE } from '../protocol/checksum-headers.ts';
import { OBJECT_HEADERS_BINDING } from '../protocol/object-headers.ts';
import { SSE_RESPONSE, SSE_WRITE_REQUEST } from '../protocol/sse-headers.ts';
import type { RequestBody } from './shared/body.ts';
import { ownedBucket } from './shared/buckets.ts';
import { checksumFields, checksummedBody, contentMd5, rememberStoredChecksum } from './shared/checksums.ts';
import { conditionalWriteConditions, objectCreationConditions, writeEncryptionConditions } from './shared/conditions.ts';
import { writtenObjectTags } from './shared/object-tags.ts';
import {
  attributeFields,
  objectFields,
  rememberWrittenRecord,
  requireKey,
  type SseResponseMembers,
  type SseWriteMembers,
  writeGuard,
} from './shared/objects.ts';
import { addResponseEncryption } from './shared/response.ts';
import { writeResponseElements } from './shared/response-elements.ts';
import { decideObjectEncryption, writeKeys } from './shared/write.ts';
import type { OperationDefinition } from './types.ts';

/** PutObject request. */
export interface PutObjectRequest extends SseWriteMembers, ChecksumMembers, ObjectHeaders {
  Bucket: string;
  Key: string;
  Body?: RequestBody;
  /** Base64 of the body's MD5, checked against what arrives. */
  ContentMD5?: string;
  ContentType?: string;
  Metadata?: Record<string, string>;
  /** `x-amz-storage-class`: the object's class (`model/storage-class.ts`); STANDARD when absent. */
  StorageClass?: string;
  /** `x-amz-tagging`: the object's tags, URL query parameters (`model/tagging.ts`). */
  Tagging?: string;
  /** The declared body size (`Content-Length`; the framed size of an aws-chunked body). */
  ContentLength?: number;
  /** `x-amz-decoded-content-length`: an aws-chunked body's own size. */
  DecodedContentLength?: number;

  /** Conditional write: store only if the key's current ETag is this one (else 412; 404 without an object). */
  IfMatch?: string;
  /** Conditional write: `*`, store only if the key has no object (else 412). */
  IfNoneMatch?: string;
}

/** PutObject response. */
export interface PutObjectResponse extends SseResponseMembers, ChecksumResponseMembers {
  /** Quoted, as S3 sends it. */
  ETag: string;
  /** Plaintext bytes stored. */
  Size: number;
}

/** PutObject. */
export const putObject: OperationDefinition<'PutObject', PutObjectRequest, PutObjectResponse> = {
  name: 'PutObject',
  quota: { shared: 'write' },
  readOnly: false,
  eventCategory: 'Data',
  // The encryption headers answered, by wire name (a captured SSE-KMS PutObject).
  auditResponse: writeResponseElements,
  rest: {
    method: 'PUT',
    path: 'object',
    request: {
      members: {
        Body: streamPayload(),
        ContentMD5: header('content-md5'),
        ContentLength: header('content-length', 'integer'),
        DecodedContentLength: header('x-amz-decoded-content-length', 'integer'),
        ContentType: header('content-type'),
        Metadata: metadataHeaders(),
        StorageClass: header('x-amz-storage-class'),
        Tagging: header('x-amz-tagging'),
        ...OBJECT_HEADERS_BINDING,
        IfMatch: header('if-match'),
        IfNoneMatch: header('if-none-match'),
        ...SSE_WRITE_REQUEST,
        ...CHECKSUM_REQUEST,
      },
    },
    response: { members: { ETag: header('etag'), ...SSE_RESPONSE, ...CHECKSUM_RESPONSE } },
  },
  // With the conditional-write keys, so a bucket policy can require If-None-Match / If-Match.
  access: {
    action: 's3:PutObject',
    resource: 'object',
    conditions: (input, scope) => ({ ...writeEncryptionConditions(input, scope), ...conditionalWriteConditions(input), ...objectCreationConditions(true) }),
    // `s3:RequestObjectTag/<key>`, `s3:RequestObjectTagKeys`: x-amz-tagging (a POST form's `tagging`).
    requestTags: (input) => (input.Tagging === undefined ? NO_TAGS : parseTaggingHeader(input.Tagging)),
  },

  async handler(input, context) {
    const bucket = await ownedBucket(input.Bucket, context);
    const key = requireKey(input.Key);
    checkStorageClass(input.StorageClass);
    // The declared size, before the body is read: over 5 GiB is 400 EntityTooLarge.
    checkProposedSize(input.DecodedContentLength, input.ContentLength);
    // Before the body streams (the stored record checks it again).
    checkUserMetadataSize(input.Metadata);
    // Cache-Control, Content-Disposition, … (the redirect location checked): kept with the object.
    const headersJson = objectHeadersJson(objectHeadersOf(input));
    // The storage class and tags, checked before the body streams.
    const tags = input.Tagging === undefined ? [] : parseTaggingHeader(input.Tagging);
    // "To successfully set the tag-set with your PutObject request, you must have the
    // s3:PutObjectTagging" (PutObject API reference, "Permissions"), besides s3:PutObject; with
    // the request's tags, and none existing (`writtenObjectTags`).
    if (tags.length > 0) await context.authorize('s3:PutObjectTagging', bucket, key, undefined, writtenObjectTags(tags));
    const attributes = attributeFields(input.StorageClass, tags);
    // Conditional writes (`model/conditional-write.ts`): checked now, so a refused write does not
    // stream its body, and again where the object commits, under the key's lock.
    const condition = parseWriteCondition(input.IfMatch, input.IfNoneMatch);
    const guard = writeGuard(condition, key);
    guard?.(await context.store.headObject(bucket, key));
    const expectedMd5 = contentMd5(input.ContentMD5);
    // The checksum (the one sent, or CRC64NVME) is computed over the plaintext as it streams and
    // checked before the body ends: a mismatch stores nothing.
    const checksummed = checksummedBody(input.Body, input);
    const { crypto } = context;
    const decided = decideObjectEncryption(input, bucket, key, context);
    // KMS is called here, on the caller's behalf, before any byte is stored: a refusal is the
    // response and leaves nothing behind.
    const { keys, customerKeyMd5, kms } = await writeKeys(decided, bucket, key, context);
    const wantMd5 = etagKind(decided.mode) === 'md5' || expectedMd5 !== undefined;
    let etag = '';
    try {
      const { segment, result: stored } = await sealObject(
        checksummed.body,
        keys,
        (sealed, progress) =>
          context.store.putObject(
            bucket,
            key,
            sealed,
            () => {
              const digest = wantMd5 ? progress.md5() : new Uint8Array(16);
              // Checked inside the manifest callback: throwing here discards the blob, so a body
              // that does not match its Content-MD5 is never visible (S3: BadDigest, nothing stored).
              if (expectedMd5 !== undefined && !equalBytes(digest, expectedMd5)) throw new S3Error('BadDigest');
              etag = `"${objectEtag(decided.mode, digest, (length) => crypto.random.bytes(length))}"`;
              return objectFields(
                decided.mode,
                etag,
                progress.segment(),
                input.ContentType,
                input.Metadata,
                keys.fields,
                checksumFields(checksummed.checksum()),
                headersJson,
                attributes,
              );
            },
            guard,
          ),
        { md5: wantMd5 },
      );
      const checksum = checksummed.checksum();
      // What the stored fields say, known already: a GET of the new object parses none of it back.
      rememberWrittenRecord(stored, segment);
      rememberStoredChecksum(stored.metadata, checksum);
      // Built in place, member group by member group (spreads would copy each into a new object).
      const response: PutObjectResponse = { ETag: etag, Size: segment.plaintextSize };
      addChecksumMembers(response, checksum);
      return addResponseEncryption(response, 'PutObject', decided.mode, customerKeyMd5, kms);
    } finally {
      keys.dispose();
    }
  },
};

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return false;
  return true;
}
