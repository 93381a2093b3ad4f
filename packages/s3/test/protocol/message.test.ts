/** Response encoding: bound members to headers, whatever order the output lists them in. */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { header, metadataHeaders, type RestBinding } from '../../src/protocol/binding.ts';
import { encodeResponse } from '../../src/protocol/message.ts';

const BINDING: RestBinding = {
  method: 'GET',
  path: 'object',
  response: { members: { LastModified: header('last-modified', 'timestamp'), ETag: header('etag'), Metadata: metadataHeaders() } },
};

describe('encodeResponse', () => {
  it('writes each timestamp as the HTTP date of its own second, however times follow each other', async () => {
    const times = fc.oneof(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.constantFrom(1_700_000_000_000, 1_700_000_000_999, 1_700_000_001_000));
    await fc.assert(
      fc.asyncProperty(fc.array(times, { minLength: 1, maxLength: 6 }), async (list) => {
        for (const time of list) {
          const response = await encodeResponse(BINDING, { LastModified: new Date(time) }, 'GET', {});
          expect(response.headers['last-modified']).toBe(new Date(time).toUTCString());
        }
      }),
    );
  });

  it('writes the bound members an output carries and nothing else, completing the headers it is given', async () => {
    const headers = { 'x-amz-request-id': 'R' };
    const response = await encodeResponse(BINDING, { Unbound: 'x', ETag: '"e"', Metadata: { a: '1' } }, 'GET', headers);
    expect(response.headers).toBe(headers);
    expect(response.headers).toEqual({ 'x-amz-request-id': 'R', etag: '"e"', 'x-amz-meta-a': '1', 'content-length': '0' });
  });
});
