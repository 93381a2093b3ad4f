/**
 * S3 accepts a header-signed request dated within 15 minutes of its clock (the JSON services:
 * 5), and refuses one further off with 403 RequestTimeTooSkewed naming the request's time, its
 * own and the window. Found by the authentication tests (test/reliability/auth-sigv4.test.ts):
 * the kernel's 5-minute window refused S3 requests AWS accepts.
 */

import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { createSigV4Authenticator, ManualClock, NO_USERS, withDefaultUser } from '@strongbox/service-kernel';
import { describe, expect, it } from 'vitest';
import { createS3Handler, S3 } from '../../src/index.ts';
import { ACCOUNT, inProcessClient, REGION, sdkError } from '../helpers/wire.ts';

const NOW = Date.UTC(2026, 0, 1, 12);
const MINUTE = 60_000;

function handlerAt(now: number) {
  const clock = new ManualClock(now);
  const s3 = new S3({ account: ACCOUNT, region: REGION, clock });
  const authenticate = createSigV4Authenticator({
    users: withDefaultUser(NO_USERS, ACCOUNT, REGION),
    strict: true,
    account: ACCOUNT,
    region: REGION,
    clock,
    service: 's3',
    payloadMode: 's3',
  });
  return { s3, handler: createS3Handler(s3, { authenticate }) };
}

/** A client whose clock is `offset` ms off the server's (the SDK signs with Date.now() + systemClockOffset). */
function clientOff(offset: number, handler: ReturnType<typeof handlerAt>['handler']) {
  return inProcessClient(handler, { systemClockOffset: NOW - Date.now() + offset, maxAttempts: 1 });
}

describe('S3 clock skew', () => {
  it.each([
    ['14 minutes behind', -14 * MINUTE],
    ['14 minutes ahead', 14 * MINUTE],
  ])('accepts a request signed %s', async (_name, offset) => {
    const { s3, handler } = handlerAt(NOW);
    const { $metadata } = await clientOff(offset, handler).send(new ListBucketsCommand({}));
    expect($metadata.httpStatusCode).toBe(200);
    await s3.close();
  });

  it.each([
    ['16 minutes behind', -16 * MINUTE],
    ['16 minutes ahead', 16 * MINUTE],
  ])('refuses a request signed %s with 403 RequestTimeTooSkewed and its times', async (_name, offset) => {
    const { s3, handler } = handlerAt(NOW);
    const error = await sdkError(clientOff(offset, handler).send(new ListBucketsCommand({})));
    expect(error.name).toBe('RequestTimeTooSkewed');
    expect(error.message).toBe('The difference between the request time and the current time is too large.');
    expect(error.$metadata.httpStatusCode).toBe(403);
    const requestTime = new Date(NOW + offset)
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
    expect(error).toMatchObject({ RequestTime: requestTime, ServerTime: '2026-01-01T12:00:00Z', MaxAllowedSkewMilliseconds: '900000' });
    await s3.close();
  });
});
