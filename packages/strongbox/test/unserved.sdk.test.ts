/**
 * Requests signed for a service the endpoint does not serve, as the AWS SDKs send them, answered
 * in an error shape each one's client reads: S3's own signing names other than `s3` (a directory
 * bucket's CreateSession is signed for `s3express`), and the Smithy RPC v2 CBOR protocol
 * (CloudWatch in the SDK for Go v2 since cloudwatch v1.52, and in SDKs that put CBOR first).
 */

import { createRequire } from 'node:module';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InProcessStrongbox, startInProcess, startServer } from '../src/index.ts';

let strongbox: InProcessStrongbox;
beforeAll(async () => {
  strongbox = await startInProcess();
});
afterAll(async () => {
  await strongbox?.close();
});

describe('a request signed for an S3 signing name other than s3', () => {
  // A directory bucket's name (`--x-s3`) makes the SDK's endpoint rules sign for `s3express`
  // (botocore and @aws-sdk/client-s3 endpoint-rule-set: "signingName": "s3express"; S3 Outposts
  // and Object Lambda sign as `s3-outposts` and `s3-object-lambda`), and call CreateSession first.
  it('S3Client naming a directory bucket gets UnknownService naming s3express, not an XML parse error', async () => {
    const s3 = new S3Client({ ...strongbox.clientConfig, forcePathStyle: true, maxAttempts: 1 });
    const error = await s3.send(new ListObjectsV2Command({ Bucket: 'bucket--use1-az4--x-s3' })).then(
      () => undefined,
      (thrown: unknown) => thrown as { name: string; message: string; $metadata?: { httpStatusCode?: number } },
    );
    s3.destroy();
    expect([error?.name, error?.$metadata?.httpStatusCode]).toEqual(['UnknownService', 400]);
    expect(error?.message).toContain("signed for service 's3express'");
  });
});

describe('a Smithy RPC v2 CBOR request', () => {
  // The client decodes the body as CBOR and requires `smithy-protocol: rpc-v2-cbor` on the
  // response (Smithy, "Smithy RPC v2 CBOR protocol": responses MUST include it; the SDK for Go v2
  // answers "unexpected smithy-protocol response header ''" without it).
  it('is answered in CBOR, with smithy-protocol: rpc-v2-cbor, naming the service', async () => {
    const server = await startServer({ port: 0 });
    try {
      const response = await fetch(`${server.url}/service/GraniteServiceVersion20100801/operation/ListMetrics`, {
        method: 'POST',
        headers: {
          authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/monitoring/aws4_request, SignedHeaders=host, Signature=00',
          'smithy-protocol': 'rpc-v2-cbor',
          'content-type': 'application/cbor',
          accept: 'application/cbor',
        },
        body: new Uint8Array([0xa0]),
      });
      const bytes = new Uint8Array(await response.arrayBuffer());
      expect([response.status, response.headers.get('content-type'), response.headers.get('smithy-protocol')]).toEqual([
        400,
        'application/cbor',
        'rpc-v2-cbor',
      ]);
      // The SDK for JavaScript's own CBOR codec and error-code reader (@smithy/core/cbor).
      const { cbor, loadSmithyRpcV2CborErrorCode } = createRequire(createRequire(import.meta.url).resolve('@aws-sdk/client-s3'))('@smithy/core/cbor') as {
        cbor: { deserialize: (bytes: Uint8Array) => Record<string, unknown> };
        loadSmithyRpcV2CborErrorCode: (output: { statusCode: number; headers: Record<string, string> }, data: Record<string, unknown>) => string | undefined;
      };
      const data = cbor.deserialize(bytes);
      expect(loadSmithyRpcV2CborErrorCode({ statusCode: 400, headers: {} }, data)).toBe('UnknownService');
      expect(data['message']).toContain("signed for service 'monitoring'");
    } finally {
      await server.close();
    }
  });
});
