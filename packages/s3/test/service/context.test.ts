/** The request context's authorization: the declared access applied to the request, and the bookkeeping the engine's guard reads. */

import { ManualClock, principalFromArn, rootPrincipal } from '@strongbox/service-kernel';
import { describe, expect, it } from 'vitest';
import { toS3Error } from '../../src/errors.ts';
import type { AtRestCrypto, OperationAccess } from '../../src/operations/index.ts';
import { RequestContext } from '../../src/service/context.ts';
import type { ObjectStore } from '../../src/storage/types.ts';
import { catchS3 } from '../helpers/errors.ts';

const OWNER = '111122223333';
const bucket = { name: 'reports', owner: OWNER, policy: undefined };

function contextFor(
  access: OperationAccess<Record<string, unknown>>,
  input: Record<string, unknown>,
  caller = rootPrincipal('us-east-1', OWNER),
  store = {} as ObjectStore,
): RequestContext {
  return new RequestContext({
    operation: 'Test',
    now: Date.UTC(2026, 11, 6),
    clock: new ManualClock(Date.UTC(2026, 11, 6)),
    region: 'us-east-1',
    caller,
    secureTransport: true,
    store,
    crypto: {} as AtRestCrypto,
    settings: { account: OWNER, region: 'us-east-1' },
    access,
    input,
  });
}

describe('the request context', () => {
  it('is unauthorized until the declared access is checked, then authorized', () => {
    const context = contextFor({ action: 's3:GetObject', resource: 'object' }, { Bucket: 'reports', Key: 'k' });
    expect(context.authorized).toBe(false);
    context.authorizeOperation(bucket);
    expect(context.authorized).toBe(true);
  });

  it('checks object access on the object the request names, with the condition keys the definition derives', () => {
    const alice = principalFromArn(`arn:aws:iam::${OWNER}:user/alice`, {
      identityPolicy: JSON.stringify({
        Statement: [
          {
            Effect: 'Allow',
            Action: 's3:PutObject',
            Resource: 'arn:aws:s3:::reports/ok/*',
            Condition: { StringEquals: { 's3:x-amz-server-side-encryption': 'AES256' } },
          },
        ],
      }),
    });
    const access: OperationAccess<Record<string, unknown>> = {
      action: 's3:PutObject',
      resource: 'object',
      conditions: (input) => (input['ServerSideEncryption'] === undefined ? {} : { 's3:x-amz-server-side-encryption': String(input['ServerSideEncryption']) }),
    };
    expect(() => contextFor(access, { Key: 'ok/1', ServerSideEncryption: 'AES256' }, alice).authorizeOperation(bucket)).not.toThrow();
    expect(catchS3(() => contextFor(access, { Key: 'ok/1' }, alice).authorizeOperation(bucket)).code).toBe('AccessDenied');
    expect(catchS3(() => contextFor(access, { Key: 'no/1', ServerSideEncryption: 'AES256' }, alice).authorizeOperation(bucket)).message).toContain(
      '"arn:aws:s3:::reports/no/1"',
    );
  });

  it('leaves per-object access to the handler, which counts as authorizing once it evaluates a key', () => {
    const context = contextFor({ action: 's3:DeleteObject', resource: 'objects' }, { Bucket: 'reports' });
    context.authorizeOperation(bucket);
    expect(context.authorized).toBe(false);
    expect(context.evaluate('s3:DeleteObject', bucket, 'k')).toEqual({ allowed: true, via: 'root' });
    expect(context.authorized).toBe(true);
  });

  it('refuses a declaration that needs a bucket when given none (a definition bug, not a request error)', () => {
    expect(() => contextFor({ action: 's3:ListBucket', resource: 'bucket' }, {}).authorizeOperation(undefined)).toThrow(TypeError);
  });

  it('a missing key is NoSuchKey for a caller who may list the bucket, AccessDenied for one who may not', () => {
    const owner = contextFor({ action: 's3:GetObject', resource: 'object' }, { Key: 'k' });
    owner.authorizeOperation(bucket);
    expect(owner.missingObject('k').code).toBe('NoSuchKey');
    const reader = principalFromArn(`arn:aws:iam::${OWNER}:user/reader`, {
      identityPolicy: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }),
    });
    const limited = contextFor({ action: 's3:GetObject', resource: 'object' }, { Key: 'k' }, reader);
    limited.authorizeOperation(bucket);
    expect([limited.missingObject('k').code, limited.missingObject('k').status]).toEqual(['AccessDenied', 403]);
  });
});

describe('confirming the decisions taken on an object’s tags (a confirmation that matches nothing must not pass)', () => {
  const GET: OperationAccess<Record<string, unknown>> = { action: 's3:GetObject', resource: 'object' };
  const SECRET = [{ key: 'classification', value: 'secret' }];
  const denySecret = (resource: string) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:GetObject',
          Resource: resource,
          Condition: { StringEquals: { 's3:ExistingObjectTag/classification': 'secret' } },
        },
      ],
    });
  /** A store in which no object exists: the tags read for a decision are none. */
  const empty = { headObject: async () => undefined } as unknown as ObjectStore;

  it('re-decides a decision taken on tags read, on the tags of the record served', async () => {
    const context = contextFor(GET, { Key: 'k' }, undefined, empty);
    await context.authorizeOperation({ ...bucket, policy: denySecret('arn:aws:s3:::reports/*') });
    expect(() => context.confirmObjectTags('reports', 'k', [])).not.toThrow();
    expect(catchS3(() => context.confirmObjectTags('reports', 'k', SECRET)).code).toBe('AccessDenied');
  });

  it('a confirmation naming an object the request did not authorize is a programming error (500), never a pass', async () => {
    const context = contextFor(GET, { Key: 'k' }, undefined, empty);
    await context.authorizeOperation({ ...bucket, policy: denySecret('arn:aws:s3:::reports/*') });
    expect(() => context.confirmObjectTags('reports', 'K', SECRET)).toThrow(TypeError);
    let thrown: unknown;
    try {
      context.confirmObjectTags('reports', 'K', SECRET);
    } catch (error) {
      thrown = error;
    }
    expect([toS3Error(thrown).code, toS3Error(thrown).status]).toEqual(['InternalError', 500]);
    expect(() => context.confirmObjectTags('other', 'k', SECRET)).toThrow(TypeError);
    // So whether or not a policy read tags: a mismatch shows in every test that reaches it.
    const plain = contextFor(GET, { Key: 'k' });
    plain.authorizeOperation(bucket);
    expect(() => plain.confirmObjectTags('reports', 'k', SECRET)).not.toThrow();
    expect(() => plain.confirmObjectTags('reports', 'j', SECRET)).toThrow(TypeError);
    const none = contextFor({ action: 's3:DeleteObject', resource: 'objects' }, {});
    expect(() => none.confirmObjectTags('reports', 'k', SECRET)).toThrow(TypeError);
  });

  it('an object authorized without reading tags (a Deny scoped to other keys) confirms without a re-check', async () => {
    const context = contextFor({ action: 's3:DeleteObject', resource: 'objects' }, {}, undefined, empty);
    const scoped = { ...bucket, policy: denySecret('arn:aws:s3:::reports/secret/*') };
    await context.authorize('s3:GetObject', scoped, 'secret/a');
    await context.authorize('s3:GetObject', scoped, 'open/b');
    expect(() => context.confirmObjectTags('reports', 'open/b', SECRET)).not.toThrow();
    expect(catchS3(() => context.confirmObjectTags('reports', 'secret/a', SECRET)).code).toBe('AccessDenied');
  });
});
