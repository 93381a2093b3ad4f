/**
 * A request presenting its credential two ways, an `Authorization` header beside a presigned URL's
 * `X-Amz-Algorithm` or SigV2's `Signature`: S3's 400 InvalidArgument "Only one auth mechanism
 * allowed; …", `ArgumentName` `Authorization` and the header's value as `ArgumentValue`, ahead of
 * every other credential check and changing nothing (brekkylab/backlot `backlot/auth.py`,
 * `resolve_sigv4`, measured against S3 us-east-1 2026-09-29). The SDK makes such a request when a
 * middleware adds the query parameter before it signs (an SDK with a presigned URL's parameters
 * left in its input, as a redirect to a presigned URL that keeps the header does).
 */

import { CreateBucketCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { HttpRequest as SdkHttpRequest } from '@smithy/types';
import { afterEach, describe, expect, it } from 'vitest';
import { inProcessClient, sdkError, type WireEngine, wireEngine } from '../helpers/wire.ts';

const engines: WireEngine[] = [];
const clients: S3Client[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  for (const engine of engines.splice(0)) await engine.close();
});

const ONE_MECHANISM =
  'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified';

/** A client whose requests carry `query` besides the SDK's own, signed; `sent` gets each request's Authorization header. */
function clientAdding(engine: WireEngine, query: Record<string, string>, sent: string[]): S3Client {
  const client = inProcessClient(engine.handler);
  clients.push(client);
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as SdkHttpRequest;
      request.query = { ...request.query, ...query };
      return next(args);
    },
    { step: 'build', name: 'addQueryBeforeSigning' },
  );
  client.middlewareStack.add(
    (next) => async (args) => {
      sent.push((args.request as SdkHttpRequest).headers['authorization'] ?? '');
      return next(args);
    },
    { step: 'deserialize', name: 'recordAuthorization' },
  );
  return client;
}

type Refusal = Awaited<ReturnType<typeof sdkError>> & { ArgumentName?: string; ArgumentValue?: string };

describe('a credential presented two ways', () => {
  it.each([
    ['strict', { strict: true }],
    ['open', { strict: false }],
  ])('%s: a header beside X-Amz-Algorithm or Signature is 400 InvalidArgument naming the header, and nothing is stored', async (_, options) => {
    const engine = wireEngine(options);
    engines.push(engine);
    const sdk = inProcessClient(engine.handler);
    clients.push(sdk);
    await sdk.send(new CreateBucketCommand({ Bucket: 'mechanisms' }));
    for (const query of [{ 'X-Amz-Algorithm': 'AWS4-HMAC-SHA256' }, { Signature: 'c2ln' }]) {
      const sent: string[] = [];
      const refused = (await sdkError(clientAdding(engine, query, sent).send(new PutObjectCommand({ Bucket: 'mechanisms', Key: 'k', Body: 'x' })))) as Refusal;
      expect([refused.$metadata.httpStatusCode, refused.name, refused.message, refused.ArgumentName, refused.ArgumentValue]).toEqual([
        400,
        'InvalidArgument',
        ONE_MECHANISM,
        'Authorization',
        sent[0],
      ]);
      expect(sent[0]).toMatch(/^AWS4-HMAC-SHA256 Credential=test\//);
    }
    expect((await sdkError(sdk.send(new HeadObjectCommand({ Bucket: 'mechanisms', Key: 'k' })))).$metadata.httpStatusCode).toBe(404);
  });

  it('ahead of the credential: a wrong secret beside X-Amz-Algorithm still gets the 400, not SignatureDoesNotMatch', async () => {
    const engine = wireEngine({ strict: true });
    engines.push(engine);
    const sent: string[] = [];
    const client = clientAdding(engine, { 'X-Amz-Algorithm': 'AWS4-HMAC-SHA256' }, sent);
    client.config.credentials = async () => ({ accessKeyId: 'test', secretAccessKey: 'not-the-secret' });
    const refused = await sdkError(client.send(new PutObjectCommand({ Bucket: 'mechanisms', Key: 'k', Body: 'x' })));
    expect([refused.$metadata.httpStatusCode, refused.name]).toEqual([400, 'InvalidArgument']);
  });
});
