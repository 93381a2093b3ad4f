/**
 * `x-amz-server-side-encryption` on requests whose operation takes no such header: S3 answers 400
 * InvalidArgument "x-amz-server-side-encryption header is not supported for this operation." with
 * `ArgumentName` and `ArgumentValue` naming the header and what was sent (a capture of real S3 on
 * UploadPart, irods/irods_resource_plugin_s3#1838; aws/aws-sdk-java#1876 and s3tools/s3cmd#276
 * report the same text). The SDK never sends the header on these operations, so a middleware adds
 * it after serialization, as a client that copies PutObject's headers onto every request does.
 */

import {
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListPartsCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { HttpRequest as SdkHttpRequest } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import { useInProcessS3 } from '../helpers/sdk-fixture.ts';
import { inProcessClient, sdkError } from '../helpers/wire.ts';

const sdk = useInProcessS3({ buckets: ['data'] });

/** A client that adds `x-amz-server-side-encryption: <value>` to every request it sends. */
function sendingSseHeader(value: string): S3Client {
  const client = inProcessClient(sdk.engine.handler);
  client.middlewareStack.add(
    (next) => async (args) => {
      (args.request as SdkHttpRequest).headers['x-amz-server-side-encryption'] = value;
      return next(args);
    },
    { step: 'build', name: 'addSseHeader', priority: 'low' },
  );
  return client;
}

const NOT_SUPPORTED = 'x-amz-server-side-encryption header is not supported for this operation.';

describe('x-amz-server-side-encryption where the operation takes none', () => {
  it('UploadPart: 400 InvalidArgument naming the header and its value, and no part is stored (irods#1838)', async () => {
    const { UploadId } = await sdk.client.send(new CreateMultipartUploadCommand({ Bucket: 'data', Key: 'k', ServerSideEncryption: 'AES256' }));
    const client = sendingSseHeader('AES256');
    const error = await sdkError(client.send(new UploadPartCommand({ Bucket: 'data', Key: 'k', UploadId, PartNumber: 1, Body: 'part' })));
    client.destroy();
    expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual(['InvalidArgument', 400, NOT_SUPPORTED]);
    expect(error).toMatchObject({ ArgumentName: 'x-amz-server-side-encryption', ArgumentValue: 'AES256' });
    expect((await sdk.client.send(new ListPartsCommand({ Bucket: 'data', Key: 'k', UploadId }))).Parts ?? []).toEqual([]);
  });

  it('GetObject: 400 InvalidArgument naming the header and its value (model GetObject: reads must not send it)', async () => {
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: 'body', ServerSideEncryption: 'AES256' }));
    const client = sendingSseHeader('AES256');
    const error = await sdkError(client.send(new GetObjectCommand({ Bucket: 'data', Key: 'k' })));
    const head = await sdkError(client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'k' })));
    client.destroy();
    expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual(['InvalidArgument', 400, NOT_SUPPORTED]);
    expect(error).toMatchObject({ ArgumentName: 'x-amz-server-side-encryption', ArgumentValue: 'AES256' });
    // HEAD answers without a body: the status alone.
    expect(head.$metadata.httpStatusCode).toBe(400);
  });
});
