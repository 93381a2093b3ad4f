/**
 * @module
 * `bytesTransferredIn` and `bytesTransferredOut` of S3 events, for the calls whose answer says them
 * before its body is written.
 */

/** A call that carried no body either way. */
const NO_BYTES: readonly [number, number] = Object.freeze([0, 0]) as readonly [number, number];

/**
 * The bytes a successful call carried in and out, for the operations whose answer says them before
 * its body is written (the event is recorded then, and no body is buffered or counted for it):
 * PutObject's and UploadPart's body in (the plaintext bytes stored, `Size`), GetObject's body out
 * (`ContentLength`: the object, or only the range or part answered), and 0 both ways for
 * HeadObject and DeleteObject, which carry no body. Sources: a captured PutObject data event
 * (`"bytesTransferredIn": 25701.0`, `"bytesTransferredOut": 0.0`, delivered through EventBridge,
 * 2021, in a WhyLabs Druid extension's notes), a captured GetObject (`"bytesTransferredIn": 0,
 * "bytesTransferredOut": 339117`, aidansteele's gist "comparison of s3:GetObject cloudtrail
 * events", 2025) and the S3 User Guide's "CloudTrail log file examples for S3 Tables" (GetObject
 * `0` in, `28441` out). UNCONFIRMED: UploadPart's count (no captured UploadPart event; counted by
 * PutObject's rule). UNCONFIRMED, and not recorded: the counts of an answer whose XML body is
 * encoded after the event (listings, CopyObject, UploadPartCopy, CreateMultipartUpload,
 * CompleteMultipartUpload, every management event: the captured GetBucketAcl records
 * `"bytesTransferredOut": 542`), of a refused call (its error body) and of a POST form; whether an
 * aws-chunked upload counts its framed or its decoded bytes (here: the object's bytes); and what S3
 * records for a download the client cuts short (here: the bytes the answer carries).
 * @example transferredBytes('GetObject', { ContentLength: 4 }) // [0, 4]
 */
export function transferredBytes(operation: string, output: unknown): readonly [bytesIn: number, bytesOut: number] | undefined {
  switch (operation) {
    case 'PutObject':
    case 'UploadPart': {
      const size = (output as { readonly Size?: unknown } | undefined)?.Size;
      return typeof size === 'number' ? [size, 0] : undefined;
    }
    case 'GetObject': {
      const length = (output as { readonly ContentLength?: unknown } | undefined)?.ContentLength;
      return typeof length === 'number' ? [0, length] : undefined;
    }
    case 'HeadObject':
    case 'DeleteObject':
      return NO_BYTES;
    default:
      return undefined;
  }
}
