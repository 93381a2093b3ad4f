import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyBucketEncryption, decideWriteEncryption, newBucketEncryption, S3Error, type SseRequest } from '../../src/index.ts';
import { customerKeyHeaders, md5 } from '../helpers/md5.ts';

const KEY_ARN = 'arn:aws:kms:us-east-1:111122223333:key/01234567-89ab-cdef-0123-456789abcdef';
const valid = customerKeyHeaders(new Uint8Array(randomBytes(32)));
const BUCKETS = {
  fresh: newBucketEncryption('us-east-1'),
  allowsSseC: applyBucketEncryption([{ algorithm: 'AES256', blockedEncryptionTypes: ['NONE'] }], newBucketEncryption('us-east-1')),
  kmsDefault: applyBucketEncryption(
    [{ algorithm: 'aws:kms', kmsMasterKeyId: KEY_ARN, bucketKeyEnabled: true, blockedEncryptionTypes: ['NONE'] }],
    newBucketEncryption('us-east-1'),
  ),
};
const DEFAULT_MODE = { fresh: 'SSE-S3', allowsSseC: 'SSE-S3', kmsDefault: 'SSE-KMS' } as const;

const request: fc.Arbitrary<SseRequest> = fc.record(
  {
    serverSideEncryption: fc.constantFrom('AES256', 'aws:kms', 'aws:kms:dsse', 'aes256', ''),
    kmsKeyId: fc.constantFrom(KEY_ARN, 'alias/app', 'not a key'),
    encryptionContext: fc.constantFrom(btoa('{"a":"b"}'), 'garbage'),
    bucketKeyEnabled: fc.constantFrom('true', 'false'),
    customer: fc.record(
      {
        algorithm: fc.constantFrom('AES256', 'AES128'),
        key: fc.constantFrom(valid.key, Buffer.alloc(16, 1).toString('base64')),
        keyMd5: fc.constantFrom(valid.keyMd5, 'AAAAAAAAAAAAAAAAAAAAAA=='),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);

describe('the write encryption decision: invariants over any combination of fields', () => {
  it('either one consistent decision or a 4xx S3Error that never quotes the customer key', () => {
    fc.assert(
      fc.property(
        request,
        fc.constantFrom('fresh', 'allowsSseC', 'kmsDefault') as fc.Arbitrary<keyof typeof BUCKETS>,
        fc.boolean(),
        (sse, bucketName, secureTransport) => {
          const context = { secureTransport, region: 'us-east-1', action: 's3:PutObject', resource: 'arn:aws:s3:::b/k' };
          let decided: ReturnType<typeof decideWriteEncryption>;
          try {
            decided = decideWriteEncryption(sse, BUCKETS[bucketName], context, md5);
          } catch (error) {
            expect(error).toBeInstanceOf(S3Error);
            const s3 = error as S3Error;
            expect(s3.status).toBeGreaterThanOrEqual(400);
            expect(s3.status).toBeLessThan(500);
            expect(JSON.stringify([s3.message, s3.fields])).not.toContain(valid.key);
            return;
          }
          const customer = sse.customer !== undefined && Object.keys(sse.customer).length > 0;
          if (customer) {
            // SSE-C only over TLS, alone, on a bucket that allows it, with exactly the sent key.
            expect(decided.mode).toBe('SSE-C');
            expect(secureTransport).toBe(true);
            expect(sse.serverSideEncryption).toBeUndefined();
            expect(bucketName).not.toBe('fresh');
            if (decided.mode === 'SSE-C') expect(Buffer.from(decided.customerKey.key)).toEqual(Buffer.from(valid.raw));
          } else if (sse.serverSideEncryption === undefined) {
            expect(decided.mode).toBe(DEFAULT_MODE[bucketName]);
            expect(decided.source).toBe('bucket-default');
          } else {
            expect(decided.source).toBe('request');
            expect(decided.mode).toBe({ AES256: 'SSE-S3', 'aws:kms': 'SSE-KMS', 'aws:kms:dsse': 'DSSE-KMS' }[sse.serverSideEncryption]);
            if (decided.mode !== 'SSE-S3') expect(secureTransport).toBe(true);
          }
          // A KMS key id or context is only ever accepted with aws:kms (or a KMS default).
          if (decided.mode === 'SSE-S3' || decided.mode === 'SSE-C') {
            expect(sse.kmsKeyId).toBeUndefined();
            expect(sse.encryptionContext).toBeUndefined();
          }
          if (decided.mode === 'SSE-KMS' && sse.bucketKeyEnabled !== undefined) expect(decided.bucketKeyEnabled).toBe(sse.bucketKeyEnabled === 'true');
        },
      ),
      { numRuns: 2000 },
    );
  });
});
