/**
 * An `AbortSignal` given to `S3Client.send` while the call is under way, through the in-process
 * handler: the SDK's node:http handler (@smithy/node-http-handler) destroys the request when the
 * signal fires, so the call rejects with an AbortError, an upload cut mid-body stores nothing, and
 * a GetObject body already being read fails with `Error: aborted` (what a destroyed
 * `IncomingMessage` emits). Code under test that cancels downloads or uploads must see the same in
 * process as against S3.
 */

import { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { useInProcessS3 } from '../helpers/sdk-fixture.ts';
import { inProcessClient } from '../helpers/wire.ts';

const sdk = useInProcessS3({ buckets: ['abort-bucket'] });

describe('an abort signal firing mid-call', () => {
  it('fails a GetObject body being read with `aborted`, after the bytes read before it', async () => {
    const object = Buffer.alloc(4 * 1024 * 1024, 7);
    await sdk.client.send(new PutObjectCommand({ Bucket: 'abort-bucket', Key: 'big', Body: object }));
    const controller = new AbortController();
    const { Body } = await sdk.client.send(new GetObjectCommand({ Bucket: 'abort-bucket', Key: 'big' }), { abortSignal: controller.signal });
    let read = 0;
    let failure: NodeJS.ErrnoException | undefined;
    try {
      for await (const chunk of Body as Readable) {
        read += (chunk as Buffer).length;
        if (read >= 64 * 1024) controller.abort();
      }
    } catch (error) {
      failure = error as NodeJS.ErrnoException;
    }
    expect([failure?.message, failure?.code]).toEqual(['aborted', 'ECONNRESET']);
    expect(read).toBeLessThan(object.length);
  });

  it('rejects a PutObject whose streamed body is cut with an AbortError, and stores nothing even when the body then ends', async () => {
    // The service behind a client of this test, so it can wait for the service's own answer: the
    // SDK's rejection comes first, and only a cut body keeps the service from storing the rest.
    let answered: Promise<unknown> | undefined;
    const client = inProcessClient((request) => {
      const answer = sdk.engine.handler(request);
      answered = answer.catch(() => {});
      return answer;
    });
    const controller = new AbortController();
    // Every byte of ContentLength arrives, the second half after the abort: had the service read
    // on past the abort, it would have a whole, valid body to store.
    async function* body(): AsyncGenerator<Uint8Array> {
      yield Buffer.alloc(64 * 1024, 1);
      controller.abort();
      yield Buffer.alloc(64 * 1024, 2);
    }
    const put = client.send(new PutObjectCommand({ Bucket: 'abort-bucket', Key: 'cut', Body: Readable.from(body()), ContentLength: 128 * 1024 }), {
      abortSignal: controller.signal,
    });
    await expect(put).rejects.toMatchObject({ name: 'AbortError' });
    await answered;
    const head = await client.send(new HeadObjectCommand({ Bucket: 'abort-bucket', Key: 'cut' })).catch((error: Error) => error.name);
    client.destroy();
    expect(head).toBe('NotFound');
  });

  it('leaves a call whose signal never fires untouched', async () => {
    const controller = new AbortController();
    await sdk.client.send(new PutObjectCommand({ Bucket: 'abort-bucket', Key: 'kept', Body: 'whole' }), { abortSignal: controller.signal });
    const { Body } = await sdk.client.send(new GetObjectCommand({ Bucket: 'abort-bucket', Key: 'kept' }), { abortSignal: controller.signal });
    expect(await Body?.transformToString()).toBe('whole');
  });
});
