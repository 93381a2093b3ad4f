/**
 * The S3 edge awaits the authenticator's answer whenever it is a promise: `Authenticator` may
 * answer with any promise, and one made in another realm (a `vm` context, a worker's shim) is
 * not `instanceof` this realm's `Promise`. A refusal it rejects with must be the answer, never a
 * request served as if unsigned.
 */

import { runInNewContext } from 'node:vm';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { S3Error } from '../../src/errors.ts';
import { createS3Handler, S3 } from '../../src/index.ts';
import { ACCOUNT, inProcessClient, REGION, sdkError } from '../helpers/wire.ts';

const engines: S3[] = [];
afterEach(async () => {
  for (const s3 of engines.splice(0)) await s3.close();
});

describe('an authenticator answering with a promise of another realm', () => {
  it('has its refusal answered, not the request served unsigned', async () => {
    const s3 = new S3({ account: ACCOUNT, region: REGION });
    engines.push(s3);
    const rejectElsewhere = runInNewContext('(error) => Promise.reject(error)') as (error: unknown) => Promise<never>;
    const handler = createS3Handler(s3, { authenticate: () => rejectElsewhere(new S3Error('InvalidAccessKeyId')) });
    const client = inProcessClient(handler);
    try {
      const error = await sdkError(client.send(new ListBucketsCommand({})));
      expect([error.name, error.$metadata.httpStatusCode]).toEqual(['InvalidAccessKeyId', 403]);
    } finally {
      client.destroy();
    }
  });
});
