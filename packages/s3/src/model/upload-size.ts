/**
 * @module
 * The largest body one request uploads: 5 GiB for PutObject and for one UploadPart (UG "Uploading
 * objects"; API reference UploadPart, "Part size … 5 GiB"). S3 refuses a larger declared size from
 * its headers, before reading the body: 400 EntityTooLarge (ErrorResponses).
 */

import { S3Error } from '../errors.ts';

/** The most bytes one PutObject or UploadPart uploads. */
export const MAX_UPLOAD_SIZE: number = 5 * 1024 ** 3;

/**
 * Refuses a declared body size over 5 GiB: the decoded size of an aws-chunked body
 * (`x-amz-decoded-content-length`), else `Content-Length`. Undefined (an in-process call, a body
 * of unknown length) is not checked here.
 * @throws S3Error EntityTooLarge (400, with `ProposedSize` and `MaxSizeAllowed`).
 * @example
 * ```ts
 * import { checkProposedSize } from '@strongbox/s3';
 * checkProposedSize(undefined, 1024); // fine
 * ```
 */
export function checkProposedSize(decodedContentLength: number | undefined, contentLength: number | undefined): void {
  const proposed = decodedContentLength ?? contentLength;
  if (proposed === undefined || proposed <= MAX_UPLOAD_SIZE) return;
  throw new S3Error('EntityTooLarge', {
    fields: [
      ['ProposedSize', String(proposed)],
      ['MaxSizeAllowed', String(MAX_UPLOAD_SIZE)],
    ],
  });
}
