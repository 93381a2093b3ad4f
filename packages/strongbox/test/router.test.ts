/**
 * `createProtocolRouter`, the in-process endpoint's dispatch: the chosen service's answer handed
 * back as it is, and a failure while choosing or calling a service a rejection, never a throw.
 */

import type { StreamingRequest, StreamingResponse } from '@strongbox/service-kernel';
import { describe, expect, it } from 'vitest';
import { createProtocolRouter } from '../src/router.ts';

const request = (headers: Record<string, string>): StreamingRequest => ({ method: 'POST', path: '/', headers, body: (async function* () {})() });
const answer: StreamingResponse = { status: 200, headers: {}, body: 'untargeted' };

describe('createProtocolRouter', () => {
  it('hands back the untargeted service’s own promise for a request without X-Amz-Target', async () => {
    const promise = Promise.resolve(answer);
    const router = createProtocolRouter([], { service: 'S3', handler: () => promise });
    const routed = router(request({}));
    expect(routed).toBe(promise);
    expect(await routed).toBe(answer);
  });

  it('rejects, rather than throws, when a route’s test or the chosen handler throws', async () => {
    const failure = new Error('boom');
    const throwingTest = createProtocolRouter([
      {
        service: 'STS',
        prefixes: [],
        matches: () => {
          throw failure;
        },
        handler: async () => ({ status: 200, headers: {}, body: '' }),
      },
    ]);
    const throwingHandler = createProtocolRouter([], {
      service: 'S3',
      handler: () => {
        throw failure;
      },
    });
    for (const router of [throwingTest, throwingHandler]) {
      let routed: Promise<StreamingResponse> | undefined;
      expect(() => {
        routed = router(request({}));
      }).not.toThrow();
      await expect(routed).rejects.toBe(failure);
    }
  });

  it('answers a target no route serves with UnknownOperationException, as a promise', async () => {
    const router = createProtocolRouter([], { service: 'S3', handler: async () => answer });
    const routed = router(request({ 'x-amz-target': 'DynamoDB_20120810.ListTables' }));
    expect(routed).toBeInstanceOf(Promise);
    const response = await routed;
    expect(response.status).toBe(400);
    expect(JSON.parse(String(response.body))).toMatchObject({ __type: 'UnknownOperationException' });
  });
});
