/**
 * @module
 * An HTTPS-only bucket policy: AWS's recommended statement that denies every S3 action when
 * `aws:SecureTransport` is false ("What S3 bucket policy should I use to comply with the AWS
 * Config rule s3-bucket-ssl-requests-only?"). A request over plain HTTP is refused with 403
 * AccessDenied by the explicit deny; the same request over TLS succeeds. In process, a client whose
 * endpoint is `http:` counts as plain HTTP; against a running endpoint, its HTTP listener is.
 */

import { CreateBucketCommand, PutBucketPolicyCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { DemoContext } from './context.ts';
import { describeError, errorCode, showAudit, textBytes } from './steps.ts';

/** AWS's HTTPS-only bucket policy for `bucket`. */
export function httpsOnlyPolicy(bucket: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AllowSSLRequestsOnly',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ],
  });
}

/**
 * Puts the policy on a bucket of its own and sends the same PutObject over plain HTTP and over TLS.
 * @throws the SDK's error when a request the demo expects to succeed fails.
 * @example await httpsOnlyStep(context)
 */
export async function httpsOnlyStep(context: DemoContext): Promise<void> {
  const { printer, s3, plainS3 } = context;
  const bucket = context.names.policyBucket;
  printer.section('HTTPS-only bucket policy', 'aws:SecureTransport');
  if (plainS3 === undefined || !context.secure) {
    printer.note(
      plainS3 === undefined
        ? "Skipped: it needs the endpoint's plain HTTP listener too (pass both --endpoint-url http://... and\n--https-endpoint-url https://...)."
        : 'Skipped: it needs an HTTPS listener for the request the policy allows (strongbox serve --https-port N,\nthen --https-endpoint-url https://... --ca-bundle FILE).',
    );
    return;
  }
  printer.note('Deny s3:* when aws:SecureTransport is false: the same PutObject, over plain HTTP and over TLS.');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: httpsOnlyPolicy(bucket) }));
  printer.row('bucket policy', [`${bucket}: Deny s3:* on the bucket and its objects`, 'when {"Bool": {"aws:SecureTransport": "false"}}']);
  const body = textBytes('audit log line\n');
  let refused: string | undefined;
  try {
    await plainS3.send(new PutObjectCommand({ Bucket: bucket, Key: 'log.txt', Body: body }));
    printer.row('over plain HTTP', 'PutObject answered 200 (expected a refusal)');
  } catch (error) {
    refused = errorCode(error);
    printer.row('over plain HTTP', `PutObject refused: ${describeError(error)}`);
  }
  printer.check('the plain-HTTP request is refused by the explicit deny (AccessDenied, 403)', refused === 'AccessDenied');
  let accepted = false;
  try {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'log.txt', Body: body }));
    accepted = true;
    printer.row('over TLS', 'PutObject accepted (HTTP 200)');
  } catch (error) {
    printer.row('over TLS', `PutObject refused: ${describeError(error)}`);
  }
  printer.check('the same request over TLS is accepted', accepted);
  await showAudit(context);
}
