/**
 * `openEndpoint`, the services of one endpoint before they are put on a port: which services it
 * routes, how it refuses storage options that cannot go together (closing the store it opened),
 * its health, and a close that is done once.
 */

import { join } from 'node:path';
import { createMemoryObjectStore } from '@strongbox/s3';
import { describe, expect, it } from 'vitest';
import { openEndpoint } from '../src/endpoint.ts';
import { useTempDir } from './helpers/cli.ts';

const dir = useTempDir();

describe('openEndpoint', () => {
  it('routes KMS and CloudTrail by X-Amz-Target and STS by its own test, S3 taking the rest', async () => {
    const endpoint = await openEndpoint();
    try {
      expect(endpoint.routes.map((route) => [route.service, route.prefixes, route.matches !== undefined])).toEqual([
        ['KMS', ['TrentService.'], false],
        ['CloudTrail LookupEvents', expect.arrayContaining(['CloudTrail_20131101.']), false],
        ['STS GetCallerIdentity', [], true],
      ]);
      const unknown = await endpoint.handler({
        method: 'POST',
        path: '/',
        headers: { 'x-amz-target': 'DynamoDB_20120810.ListTables' },
        body: (async function* () {})(),
      });
      expect(unknown.status).toBe(400);
      expect(JSON.parse(String(unknown.body))).toMatchObject({
        __type: 'UnknownOperationException',
        message:
          "No service on this endpoint handles X-Amz-Target 'DynamoDB_20120810.ListTables'; it serves KMS, CloudTrail LookupEvents, STS GetCallerIdentity, S3.",
      });
    } finally {
      await endpoint.close();
    }
  });

  it('refuses s3Upstream without a data directory', async () => {
    await expect(openEndpoint({ s3Upstream: { bucket: 'b', endpoint: 'http://127.0.0.1:1' } })).rejects.toThrow(
      new TypeError('s3Upstream needs a dataDirectory for the keys and metadata'),
    );
  });

  it('refuses s3Store beside a data directory, and closes the store it opened (the directory opens again)', async () => {
    const data = join(dir.path, 'refused');
    const s3Store = await createMemoryObjectStore();
    await expect(openEndpoint({ dataDirectory: data, s3Store })).rejects.toThrow(new TypeError('s3Store and dataDirectory cannot be given together'));
    await s3Store.close();
    const again = await openEndpoint({ dataDirectory: data });
    expect((await again.health()).status).toBe('ok');
    await again.close();
  });

  it('reports every service up while open, and down once closing; close() is done once', async () => {
    const endpoint = await openEndpoint();
    expect(await endpoint.health()).toMatchObject({ status: 'ok', services: { kms: 'up', s3: 'up', cloudtrail: 'up' } });
    const closing = endpoint.close();
    expect(endpoint.close()).toBe(closing);
    await closing;
    expect(await endpoint.health()).toMatchObject({ status: 'unavailable', services: { kms: 'down', s3: 'down', cloudtrail: 'down' } });
  });
});
