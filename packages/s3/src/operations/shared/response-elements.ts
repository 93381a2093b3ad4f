/**
 * @module
 * `responseElements` of S3 writes that store a new object: the encryption headers they answered.
 */

/** The output members a write answers as headers, with their wire names, in the captures' order. */
const ANSWERED_HEADERS: readonly (readonly [member: string, header: string])[] = [
  ['ServerSideEncryption', 'x-amz-server-side-encryption'],
  ['SSEKMSKeyId', 'x-amz-server-side-encryption-aws-kms-key-id'],
  ['VersionId', 'x-amz-version-id'],
  ['SSECustomerAlgorithm', 'x-amz-server-side-encryption-customer-algorithm'],
];

/**
 * `responseElements` of a write that stores a new object (PutObject, CopyObject): the encryption
 * headers it answered, by their wire names, in the order captures list them; `null` when it
 * answered none. Captured: a PutObject to a bucket whose default is SSE-KMS (delivered through
 * EventBridge, 2021, in a WhyLabs Druid extension's notes): `{"x-amz-server-side-encryption":
 * "aws:kms", "x-amz-server-side-encryption-aws-kms-key-id": "arn:aws:kms:…:key/…"}`; a CopyObject
 * to an SSE-C destination (DataDog stratus-red-team, `aws.impact.s3-ransomware-client-side-encryption`):
 * `{"x-amz-server-side-encryption-customer-algorithm": "AES256"}`, without the key's MD5, which is
 * never recorded here (only S3 on Outposts' PutObject example in the S3 User Guide, "CloudTrail log
 * file entries for Amazon S3 and S3 on Outposts", shows it; the key itself is never in a response).
 * `x-amz-version-id` follows the key id where a response has a version id (the Outposts example;
 * none here, as the engine keeps no versions). UNCONFIRMED, and not recorded: the answered
 * `x-amz-server-side-encryption-context` and `-bucket-key-enabled` (no capture shows them), the
 * `ETag` (only the Outposts example lists it), and the other writes' elements (UploadPart, the
 * multipart calls, a POST form), which stay null.
 * @example writeResponseElements({ ETag: '"…"', ServerSideEncryption: 'AES256' }) // { 'x-amz-server-side-encryption': 'AES256' }
 */
export function writeResponseElements(output: unknown): Record<string, unknown> | null {
  if (output === undefined) return null;
  const answered = output as Readonly<Record<string, unknown>>;
  let elements: Record<string, unknown> | null = null;
  for (const [member, header] of ANSWERED_HEADERS) {
    const value = answered[member];
    if (typeof value === 'string') (elements ??= {})[header] = value;
  }
  return elements;
}
