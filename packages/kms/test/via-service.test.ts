/**
 * `kms:ViaService`: the service a call came through, in the form `<service>.<region>.amazonaws.com`
 * (dev guide "kms:ViaService"), for whatever sequence of services and Regions calls arrive in.
 */

import { principalFromArn } from '@strongbox/service-kernel';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contextLookup } from '../src/policy/request-context.ts';

const alice = principalFromArn('arn:aws:iam::000000000000:user/alice');

describe('kms:ViaService', () => {
  it('follows each call’s service and Region, and is absent for a direct call (property)', () => {
    const call = fc.record({
      invokedBy: fc.constantFrom(undefined, 's3.amazonaws.com', 'dynamodb.amazonaws.com', 's3.amazonaws.com.cn', 'internal.example'),
      region: fc.constantFrom('us-east-1', 'eu-west-1', 'cn-north-1'),
    });
    fc.assert(
      fc.property(fc.array(call, { maxLength: 12 }), (calls) => {
        for (const { invokedBy, region } of calls) {
          const caller = invokedBy === undefined ? alice : { ...alice, invokedBy };
          const value = contextLookup({ caller, action: 'kms:Decrypt', key: undefined, region, details: {} })('kms:viaservice');
          const expected =
            invokedBy === undefined
              ? undefined
              : invokedBy === 'internal.example'
                ? [invokedBy]
                : [invokedBy.replace('.amazonaws.com', `.${region}.amazonaws.com`)];
          expect(value).toEqual(expected);
        }
      }),
    );
  });
});
