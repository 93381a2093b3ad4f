/**
 * The confirmation scope: only an object authorized with an action whose request
 * context has `s3:ExistingObjectTag/<key>` may be confirmed. An object authorized only for
 * s3:PutObject or s3:DeleteObject (no such key) is not in scope: a handler confirming it names an
 * object whose tags no decision could read, and must fail rather than confirm nothing.
 */

import { ManualClock, rootPrincipal } from '@strongbox/service-kernel';
import { describe, expect, it } from 'vitest';
import type { AtRestCrypto, OperationAccess } from '../../src/operations/index.ts';
import { RequestContext } from '../../src/service/context.ts';
import type { ObjectStore } from '../../src/storage/types.ts';

const OWNER = '111122223333';
const bucket = { name: 'reports', owner: OWNER, policy: undefined };
const SECRET = [{ key: 'classification', value: 'secret' }];

function contextFor(access: OperationAccess<Record<string, unknown>>, input: Record<string, unknown>): RequestContext {
  return new RequestContext({
    operation: 'Test',
    now: Date.UTC(2026, 11, 6),
    clock: new ManualClock(Date.UTC(2026, 11, 6)),
    region: 'us-east-1',
    caller: rootPrincipal('us-east-1', OWNER),
    secureTransport: true,
    store: {} as ObjectStore,
    crypto: {} as AtRestCrypto,
    settings: { account: OWNER, region: 'us-east-1' },
    access,
    input,
  });
}

describe('the confirmation scope holds only objects authorized with an s3:ExistingObjectTag action', () => {
  it('an object authorized for s3:PutObject or s3:DeleteObject alone cannot be confirmed', async () => {
    const put = contextFor({ action: 's3:PutObject', resource: 'object' }, { Key: 'k' });
    await put.authorizeOperation(bucket);
    expect(() => put.confirmObjectTags('reports', 'k', SECRET)).toThrow(TypeError);
    const deletes = contextFor({ action: 's3:DeleteObject', resource: 'objects' }, {});
    await deletes.authorize('s3:DeleteObject', bucket, 'k');
    expect(() => deletes.confirmObjectTags('reports', 'k', SECRET)).toThrow(TypeError);
    // The same object, once authorized for s3:GetObject, is.
    await deletes.authorize('s3:GetObject', bucket, 'k');
    expect(() => deletes.confirmObjectTags('reports', 'k', SECRET)).not.toThrow();
  });

  it('every object authorized for s3:GetObject can be confirmed, the first and any further one, and no other', async () => {
    const deletes = contextFor({ action: 's3:DeleteObject', resource: 'objects' }, {});
    for (const key of ['a', 'b', 'c']) await deletes.authorize('s3:GetObject', bucket, key);
    for (const key of ['a', 'b', 'c']) expect(() => deletes.confirmObjectTags('reports', key, SECRET)).not.toThrow();
    // Another key, or the same key in another bucket, is not in scope.
    expect(() => deletes.confirmObjectTags('reports', 'd', SECRET)).toThrow(TypeError);
    expect(() => deletes.confirmObjectTags('archive', 'a', SECRET)).toThrow(TypeError);
    expect(() => deletes.confirmObjectTags('archive', 'b', SECRET)).toThrow(TypeError);
  });
});
