/**
 * Which refusal wins when a header presenting a second credential is itself one S3 refuses: the
 * one-mechanism 400 comes first, "whatever either says" (brekkylab/backlot `backlot/auth.py`,
 * `resolve_sigv4`, measured against S3 us-east-1 2026-09-29: the two-mechanism check ahead of the
 * header's one space, its scheme and SigV2's own refusals). A SigV2 header (S3's SigV4-only 400
 * InvalidRequest otherwise) and a redirect's `Bearer` header (the case clients meet following a
 * redirect to a presigned URL) beside `X-Amz-Algorithm` are each the 400 InvalidArgument naming
 * the header as sent.
 */

import { describe, expect, it } from 'vitest';
import { argued, openAndStrict } from '../helpers/wire.ts';

const PRESIGNED = 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=test%2F20261207%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=00';

describe('a second credential in a header S3 would refuse on its own', () => {
  const endpoints = openAndStrict();

  it.each([['AWS test:c2ln'], ['Bearer accesskey=derp']])('%s beside X-Amz-Algorithm: the one-mechanism 400 first', async (authorization) => {
    for (const { server } of [endpoints.open, endpoints.strict]) {
      const response = await fetch(`${server.url}/wire/k?${PRESIGNED}`, { headers: { authorization } });
      const text = await response.text();
      expect([response.status, /<Code>([^<]*)</.exec(text)?.[1], /<\/Message>(.*?)<RequestId>/.exec(text)?.[1]]).toEqual([
        400,
        'InvalidArgument',
        argued('Authorization', authorization),
      ]);
    }
  });
});
