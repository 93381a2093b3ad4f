/** The ids every S3 response carries: S3's shapes, and never the same twice. */

import { describe, expect, it } from 'vitest';
import { createS3Handler } from '../../src/service/http.ts';
import { S3 } from '../../src/service/s3.ts';

async function* noBody(): AsyncGenerator<Uint8Array> {}

describe('response ids', () => {
  it('are a 16-digit uppercase hex request id and a base64 host id of 32 bytes, distinct across many responses', async () => {
    const s3 = new S3();
    const handler = createS3Handler(s3);
    const requestIds = new Set<string>();
    const hostIds = new Set<string>();
    // More responses than one refill of the id pool serves.
    for (let index = 0; index < 600; index++) {
      const response = await handler({ method: 'GET', path: '/', headers: { host: 'localhost' }, body: noBody() });
      const requestId = response.headers['x-amz-request-id'] ?? '';
      const hostId = response.headers['x-amz-id-2'] ?? '';
      expect(requestId).toMatch(/^[0-9A-F]{16}$/);
      expect(Buffer.from(hostId, 'base64')).toHaveLength(32);
      requestIds.add(requestId);
      hostIds.add(hostId);
    }
    expect(requestIds.size).toBe(600);
    expect(hostIds.size).toBe(600);
    await s3.close();
  });
});
