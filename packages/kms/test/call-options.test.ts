/**
 * In-process call options: each call is served as the caller, Region and request id its options
 * name, whether the options object is fresh, or frozen and passed again (as S3 passes one per
 * caller), in any order.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CallOptions, Kms, principalFromArn } from '../src/index.ts';

const OPTIONS: readonly CallOptions[] = [
  Object.freeze({ caller: Object.freeze(principalFromArn('arn:aws:iam::111111111111:root')) }),
  Object.freeze({ caller: Object.freeze(principalFromArn('arn:aws:iam::222222222222:root')), region: 'eu-west-1' }),
  Object.freeze({ caller: 'arn:aws:iam::333333333333:root', region: 'eu-west-1', requestId: 'fixed-request-id' }),
  Object.freeze({ region: 'ap-south-1', sourceIpAddress: '10.0.0.7', userAgent: 'test-agent' }),
  { caller: principalFromArn('arn:aws:iam::444444444444:root') },
];

function expectedOf(options: CallOptions): { account: string; region: string; requestId?: string; sourceIpAddress: string; userAgent: string } {
  const caller = options.caller;
  const account = caller === undefined ? '000000000000' : typeof caller === 'string' ? (caller.split(':')[4] ?? '') : caller.account;
  return {
    account,
    region: options.region ?? 'us-east-1',
    ...(options.requestId === undefined ? {} : { requestId: options.requestId }),
    sourceIpAddress: options.sourceIpAddress ?? '127.0.0.1',
    userAgent: options.userAgent ?? 'strongbox-in-process',
  };
}

describe('call options', () => {
  it('serve each call as its own options say, in any order of fresh and repeated frozen options (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: OPTIONS.length - 1 }), { maxLength: 12 }), async (order) => {
        const kms = new Kms({ quotas: false });
        for (const index of order) await kms.generateRandom({ NumberOfBytes: 1 }, OPTIONS[index]);
        const events = kms.auditTrail.events();
        expect(events).toHaveLength(order.length);
        for (const [position, index] of order.entries()) {
          const event = events[position];
          const expected = expectedOf(OPTIONS[index] as CallOptions);
          expect({ account: event?.caller.account, region: event?.region, sourceIpAddress: event?.sourceIpAddress, userAgent: event?.userAgent }).toEqual({
            account: expected.account,
            region: expected.region,
            sourceIpAddress: expected.sourceIpAddress,
            userAgent: expected.userAgent,
          });
          if (expected.requestId !== undefined) expect(event?.requestId).toBe(expected.requestId);
          else expect(event?.requestId).not.toBe('fixed-request-id');
        }
        await kms.close();
      }),
      { numRuns: 40 },
    );
  });
});
