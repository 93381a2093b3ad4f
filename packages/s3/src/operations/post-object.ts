/**
 * @module
 * POST Object: a browser-based upload (S3 API reference, "POST Object"; "Browser-Based Uploads
 * Using POST (AWS Signature Version 4)"). "POST is an alternate form of PUT": the request is
 * PutObject's, its headers given as form fields, so this operation checks the form against its POST
 * policy (`model/post-policy.ts`: the expiration, each condition, no field left unnamed; the file's
 * size against `content-length-range` as it streams) and then runs PutObject's own handler with
 * the same context: the same authorization (`s3:PutObject` with its condition keys), encryption
 * (SSE-S3, SSE-KMS, DSSE-KMS, SSE-C, the bucket default, the SSE-C block), KMS calls, checksums
 * and storage. The signature of the policy is verified at the protocol edge, which knows the keys
 * (`service/post-object-http.ts`); a form without one is anonymous and carries no `Policy` here.
 *
 * A data event named PostObject. UNCONFIRMED: the event name CloudTrail records for a browser
 * upload (no capture; the operation's name here, as S3's API calls it).
 */

import { type ContentLengthRange, checkContentLength, checkPostPolicy, decodePostPolicy } from '../model/post-policy.ts';
import { header } from '../protocol/binding.ts';
import { type PutObjectRequest, type PutObjectResponse, putObject } from './put-object.ts';
import type { RequestBody } from './shared/body.ts';
import { bodySource } from './shared/body.ts';
import type { OperationDefinition } from './types.ts';

/** PostObject request: PutObject's members, from the form's fields, and the POST policy that governs them. */
export interface PostObjectRequest extends PutObjectRequest {
  /** The signed POST policy and the form it was checked for; absent for an anonymous form. */
  Policy?: PostPolicyMembers;
}

/** A POST policy as the form carried it. */
export interface PostPolicyMembers {
  /** The `policy` field: the base64 policy document (its signature already verified). */
  readonly Document: string;
  /** Every field before the file, names as sent, in order (each must be named by a condition). */
  readonly Fields: readonly (readonly [name: string, value: string])[];
}

/** PostObject response: PutObject's. */
export type PostObjectResponse = PutObjectResponse;

/** PostObject. */
export const postObject: OperationDefinition<'PostObject', PostObjectRequest, PostObjectResponse> = {
  name: 'PostObject',
  quota: { shared: 'write' },
  readOnly: false,
  eventCategory: 'Data',
  rest: {
    // `POST /{Bucket}`, the key in a form field. The body is a form, which the protocol edge
    // reads into these (PutObject's) members itself (`service/post-object-http.ts`).
    method: 'POST',
    path: 'bucket',
    request: putObject.rest.request as NonNullable<typeof putObject.rest.request>,
    response: { members: { ...putObject.rest.response?.members, Location: header('location') } },
  },
  access: putObject.access,

  async handler(input, context) {
    const policy = input.Policy;
    let request: PutObjectRequest = input;
    if (policy !== undefined) {
      // Checked before PutObject's Region redirect (`refuseOtherRegion`): S3's order of the two is
      // UNCONFIRMED (no capture either way).
      const range = checkPostPolicy(decodePostPolicy(policy.Document), { fields: policy.Fields, bucket: input.Bucket, key: input.Key }, context.now);
      if (range !== undefined) request = { ...input, Body: sizeChecked(input.Body, range) };
    }
    return putObject.handler(request, context);
  },
};

/**
 * The body, refused as soon as it passes the range's maximum and at its end if under the minimum:
 * thrown while PutObject reads it, so nothing is stored (S3 answers EntityTooLarge /
 * EntityTooSmall and keeps no part of the object).
 *
 * Past the maximum nothing more is read: the answer is known, and a huge file is neither held nor
 * read to its end for it (the protocol edge discards what the client still sends, in bounded
 * memory, so the keep-alive connection carries the 400 and the next request). `ProposedSize` is
 * then the bytes received so far, as S3's answers show it: S3 quotes a size a few kilobytes past
 * the limit for files much larger than it (`ProposedSize` 5245254 for `MaxSizeAllowed` 5242880,
 * 20974039 for 20971520, quoted in users' reports), and the whole file when it arrived at once
 * (LS-POST: 12 for a 12-byte file). UNCONFIRMED whether S3 then closes the connection rather
 * than reading the rest (no capture); Strongbox's edge reads and discards it.
 */
async function* sizeChecked(body: RequestBody | undefined, range: ContentLengthRange): AsyncGenerator<Uint8Array> {
  let size = 0;
  for await (const chunk of bodySource(body)) {
    size += chunk.length;
    // Leaving the loop returns the source's iterator: the form stops reading its file here.
    if (size > range.max) break;
    yield chunk;
  }
  checkContentLength(range, size);
}
