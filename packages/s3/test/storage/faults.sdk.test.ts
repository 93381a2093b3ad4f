/**
 * Disk faults on the wire: a data directory opened with an injected file layer (`io`, the kernel's
 * `FileIo`) behind the S3 engine, and the official SDK client. An fsync failure or a full disk
 * during PutObject, UploadPart, CompleteMultipartUpload or DeleteObject answers S3's 500
 * InternalError, and what a GET answers next is the object before the request, whole (or, for a
 * change already in place whose directory fsync failed, the change).
 */

import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListPartsCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ObjectStore, openFileSystemObjectStore } from '../../src/index.ts';
import { type FaultyIo, faultyIo } from '../helpers/faulty-io.ts';
import { tempDirectory } from '../helpers/temp.ts';
import { inProcessClient, sdkError, type WireEngine, wireEngine } from '../helpers/wire.ts';

const BUCKET = 'faults';

let faults: FaultyIo;
let store: ObjectStore;
let engine: WireEngine;
let client: S3Client;

beforeEach(async () => {
  faults = faultyIo();
  store = await openFileSystemObjectStore({ directory: tempDirectory('faults-sdk'), io: faults.io });
  engine = wireEngine({ engine: { storage: store } });
  client = inProcessClient(engine.handler);
  await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: 'old object' }));
});

afterEach(async () => {
  client.destroy();
  await engine.close();
  await store.close();
});

async function text(key: string): Promise<string> {
  const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return got.Body!.transformToString();
}

/** Runs `call` with the first file-layer step `step` failing with `code`; answers the SDK's error. */
async function failing(
  step: 'write' | 'sync' | 'close' | 'syncDirectory',
  code: string,
  call: Promise<unknown>,
): Promise<Awaited<ReturnType<typeof sdkError>>> {
  faults.arm((seen) => seen.step === step, code);
  const error = await sdkError(call);
  expect(faults.disarm().fired, 'the injected fault fired').toBeDefined();
  return error;
}

describe('a disk fault on the wire', () => {
  it('PutObject whose blob fsync fails with ENOSPC answers 500 InternalError; GET gives the old object whole', async () => {
    const error = await failing('sync', 'ENOSPC', client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: 'new object' })));
    expect(error).toMatchObject({ name: 'InternalError', $metadata: { httpStatusCode: 500 } });
    expect(await text('k')).toBe('old object');
  });

  it('UploadPart on a full disk answers 500 InternalError and lists no part; a retry is acknowledged', async () => {
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'm' }));
    const part = { Bucket: BUCKET, Key: 'm', UploadId, PartNumber: 1, Body: 'the only part' };
    const error = await failing('write', 'ENOSPC', client.send(new UploadPartCommand(part)));
    expect(error).toMatchObject({ name: 'InternalError', $metadata: { httpStatusCode: 500 } });
    expect((await client.send(new ListPartsCommand({ Bucket: BUCKET, Key: 'm', UploadId }))).Parts ?? []).toEqual([]);
    const { ETag } = await client.send(new UploadPartCommand(part));
    await client.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: 'm', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag }] } }));
    expect(await text('m')).toBe('the only part');
  });

  it('CompleteMultipartUpload whose manifest fsync fails with EIO answers 500 InternalError; the old object stays and a retry completes', async () => {
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'k' }));
    const { ETag } = await client.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'k', UploadId, PartNumber: 1, Body: 'completed object' }));
    const complete = new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: 'k', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag }] } });
    const error = await failing('sync', 'EIO', client.send(complete));
    expect(error).toMatchObject({ name: 'InternalError', $metadata: { httpStatusCode: 500 } });
    expect(await text('k')).toBe('old object');
    await client.send(complete);
    expect(await text('k')).toBe('completed object');
  });

  it('DeleteObject whose directory fsync fails answers 500 InternalError; the removal is in place, and a retry answers 204', async () => {
    const error = await failing('syncDirectory', 'EIO', client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'k' })));
    expect(error).toMatchObject({ name: 'InternalError', $metadata: { httpStatusCode: 500 } });
    expect(await sdkError(client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'k' })))).toMatchObject({ name: 'NoSuchKey' });
    const retried = await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'k' }));
    expect(retried.$metadata.httpStatusCode).toBe(204);
  });
});
