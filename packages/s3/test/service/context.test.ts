/** The request context's authorization: the declared access applied to the request, and the bookkeeping the engine's guard reads. */

import { principalFromArn, rootPrincipal } from '@strongbox/service-kernel';
import { describe, expect, it } from 'vitest';
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
): RequestContext {
  return new RequestContext({
    operation: 'Test',
    now: Date.UTC(2026, 11, 6),
    region: 'us-east-1',
    caller,
    secureTransport: true,
    store: {} as ObjectStore,
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
