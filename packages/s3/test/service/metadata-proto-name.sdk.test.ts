/**
 * User metadata named like an `Object.prototype` member (`x-amz-meta-__proto__`,
 * `x-amz-meta-constructor`) is metadata like any other: stored and answered by every write that
 * stores metadata, in process and over a real socket, in memory and in a data directory. Maps
 * built from requests or from stored JSON inherit nothing, so no name goes through a prototype
 * setter.
 *
 * What the tests read is the response's own headers (a `deserialize` middleware), because the AWS
 * SDK for JavaScript v3 itself drops the `__proto__` entry from the `Metadata` it returns: its
 * response deserializer (`@smithy/core`'s `HttpBindingProtocol`) builds `Metadata` as `{}` and
 * assigns each `x-amz-meta-*` name into it, and an assignment to `__proto__` sets the object's
 * prototype (a string is ignored) instead of adding a member. The header is on the wire.
 */

import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDirectory } from '../helpers/temp.ts';
import { CREDENTIALS, inProcessClient, listen, REGION, type WireEngine, wireEngine } from '../helpers/wire.ts';

/** Metadata as a caller builds it from JSON: `__proto__` an own member, not the prototype. */
const METADATA: Record<string, string> = JSON.parse('{"__proto__":"p","constructor":"c","tostring":"t","plain":"1"}');
const WIRE = { 'x-amz-meta-__proto__': 'p', 'x-amz-meta-constructor': 'c', 'x-amz-meta-tostring': 't', 'x-amz-meta-plain': '1' };

interface Setup {
  readonly engine: WireEngine;
  readonly client: S3Client;
  readonly url: string;
  /** The raw headers of the last response the client received. */
  lastHeaders(): Record<string, string>;
  close(): Promise<void>;
}

const open: Setup[] = [];
afterEach(async () => {
  for (const setup of open.splice(0)) await setup.close();
});

type Backend = 'memory' | 'filesystem';

async function setUp(transport: 'in process' | 'socket', backend: Backend, reopened?: string): Promise<Setup & { readonly directory: string | undefined }> {
  const directory = backend === 'memory' ? undefined : (reopened ?? tempDirectory('metadata-names'));
  const engine = wireEngine(directory === undefined ? {} : { engine: { storage: { directory } } });
  const server = transport === 'socket' ? await listen(engine.handler) : undefined;
  const client =
    server === undefined
      ? inProcessClient(engine.handler)
      : new S3Client({ endpoint: server.url, region: REGION, credentials: CREDENTIALS, forcePathStyle: true });
  let headers: Record<string, string> = {};
  client.middlewareStack.add(
    (next) => async (args) => {
      const out = await next(args);
      headers = { ...((out.response as { headers?: Record<string, string> }).headers ?? {}) };
      return out;
    },
    { step: 'deserialize', name: 'keepRawHeaders' },
  );
  if (reopened === undefined) await client.send(new CreateBucketCommand({ Bucket: 'data' }));
  const setup = {
    directory,
    engine,
    client,
    url: server?.url ?? 'https://strongbox.localhost',
    lastHeaders: () => headers,
    close: async () => {
      client.destroy();
      await server?.close();
      await engine.close();
    },
  };
  open.push(setup);
  return setup;
}

/** The object's `x-amz-meta-*` headers as GetObject and HeadObject answer them. */
async function metadataHeaders(setup: Setup, key: string): Promise<Record<string, string>[]> {
  const answers: Record<string, string>[] = [];
  const got = await setup.client.send(new GetObjectCommand({ Bucket: 'data', Key: key }));
  await got.Body?.transformToString();
  answers.push(metaOf(setup.lastHeaders()));
  await setup.client.send(new HeadObjectCommand({ Bucket: 'data', Key: key }));
  answers.push(metaOf(setup.lastHeaders()));
  return answers;
}

function metaOf(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name.startsWith('x-amz-meta-')));
}

const CASES = (['memory', 'filesystem'] as const).flatMap((backend) => (['in process', 'socket'] as const).map((transport) => ({ backend, transport })));

describe.each(CASES)('metadata named like a prototype member ($backend, $transport)', ({ backend, transport }) => {
  it('PutObject stores x-amz-meta-__proto__ and GetObject and HeadObject answer it', async () => {
    const setup = await setUp(transport, backend);
    await setup.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: 'x', Metadata: METADATA }));
    expect(await metadataHeaders(setup, 'k')).toEqual([WIRE, WIRE]);
    // The engine's own answer: `__proto__` an own member of the Metadata map.
    const head = (await setup.engine.s3.send('HeadObject', { Bucket: 'data', Key: 'k' })) as { Metadata: Record<string, string> };
    expect(Object.hasOwn(head.Metadata, '__proto__')).toBe(true);
    expect(Object.entries(head.Metadata)).toEqual(expect.arrayContaining([['__proto__', 'p']]));
  });

  it('CopyObject keeps it (COPY) or takes it from the request (REPLACE)', async () => {
    const setup = await setUp(transport, backend);
    await setup.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'source', Body: 'x', Metadata: METADATA }));
    await setup.client.send(new CopyObjectCommand({ Bucket: 'data', Key: 'copied', CopySource: 'data/source' }));
    expect(await metadataHeaders(setup, 'copied')).toEqual([WIRE, WIRE]);
    await setup.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'bare', Body: 'x' }));
    await setup.client.send(
      new CopyObjectCommand({ Bucket: 'data', Key: 'replaced', CopySource: 'data/bare', MetadataDirective: 'REPLACE', Metadata: METADATA }),
    );
    expect(await metadataHeaders(setup, 'replaced')).toEqual([WIRE, WIRE]);
  });

  it('a multipart upload keeps it from CreateMultipartUpload to the completed object', async () => {
    const setup = await setUp(transport, backend);
    const { UploadId } = await setup.client.send(new CreateMultipartUploadCommand({ Bucket: 'data', Key: 'parts', Metadata: METADATA }));
    const { ETag } = await setup.client.send(new UploadPartCommand({ Bucket: 'data', Key: 'parts', UploadId, PartNumber: 1, Body: 'x' }));
    await setup.client.send(
      new CompleteMultipartUploadCommand({ Bucket: 'data', Key: 'parts', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag }] } }),
    );
    expect(await metadataHeaders(setup, 'parts')).toEqual([WIRE, WIRE]);
  });

  it.runIf(backend === 'filesystem')('every write keeps it in the data directory: read back after the engine is reopened', async () => {
    const first = await setUp(transport, backend);
    await first.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'put', Body: 'x', Metadata: METADATA }));
    await first.client.send(new CopyObjectCommand({ Bucket: 'data', Key: 'copied', CopySource: 'data/put' }));
    await first.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'bare', Body: 'x' }));
    await first.client.send(
      new CopyObjectCommand({ Bucket: 'data', Key: 'replaced', CopySource: 'data/bare', MetadataDirective: 'REPLACE', Metadata: METADATA }),
    );
    const { UploadId } = await first.client.send(new CreateMultipartUploadCommand({ Bucket: 'data', Key: 'parts', Metadata: METADATA }));
    const { ETag } = await first.client.send(new UploadPartCommand({ Bucket: 'data', Key: 'parts', UploadId, PartNumber: 1, Body: 'x' }));
    await first.client.send(
      new CompleteMultipartUploadCommand({ Bucket: 'data', Key: 'parts', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag }] } }),
    );
    // An upload still open keeps it in its record too.
    const open = await first.client.send(new CreateMultipartUploadCommand({ Bucket: 'data', Key: 'pending', Metadata: METADATA }));
    await first.close();
    const again = await setUp(transport, backend, first.directory);
    for (const key of ['put', 'copied', 'replaced', 'parts']) expect([key, await metadataHeaders(again, key)]).toEqual([key, [WIRE, WIRE]]);
    const part = await again.client.send(new UploadPartCommand({ Bucket: 'data', Key: 'pending', UploadId: open.UploadId, PartNumber: 1, Body: 'y' }));
    await again.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'data',
        Key: 'pending',
        UploadId: open.UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
      }),
    );
    expect(await metadataHeaders(again, 'pending')).toEqual([WIRE, WIRE]);
  });

  it.runIf(transport === 'socket')('a POST form stores it', async () => {
    const setup = await setUp(transport, backend);
    const fields = Object.fromEntries(Object.entries(WIRE));
    const presigned = await createPresignedPost(setup.client, { Bucket: 'data', Key: 'posted', Fields: fields });
    const form = new FormData();
    for (const [name, value] of Object.entries(presigned.fields)) form.append(name, value);
    form.append('file', new Blob(['x']), 'x.bin');
    expect((await fetch(presigned.url, { method: 'POST', body: form })).status).toBe(204);
    expect(await metadataHeaders(setup, 'posted')).toEqual([WIRE, WIRE]);
  });
});
