/**
 * A bucket of another Region than the client's, through the unmodified boto3 a Debian user has
 * (`apt-get install python3-boto3`), against `startServer` (what `strongbox serve` runs). S3
 * answers a request signed for another Region than the bucket's 301 PermanentRedirect with the
 * bucket's Region in `x-amz-bucket-region`, and botocore's `S3RegionRedirectorv2` follows it by
 * itself: a client of us-east-1 writes and reads a bucket of eu-west-1, after one redirect, the
 * bucket's Region then cached.
 *
 * Skipped, with the reason printed, when boto3 is absent.
 */

import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type RunningServer, startServer } from 'strongbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PYTHON_WITH_BOTO3 } from './fixtures/real-clients.ts';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('./fixtures/region-clients/boto3-region.py', import.meta.url));

const python = PYTHON_WITH_BOTO3;
if (python === undefined) console.log('bucket-region-real-clients: no python3 with boto3 (apt-get install python3-boto3); its test is skipped');

let work: string;
let server: RunningServer;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'strongbox-region-clients-'));
  server = await startServer({ port: 0, quotas: false });
  await server.s3.createBucket({ Bucket: 'west-data', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }, { region: 'eu-west-1' });
}, 60_000);

afterAll(async () => {
  await server?.close();
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

describe.skipIf(python === undefined)(`boto3 (${python ?? 'absent'})`, () => {
  it('a us-east-1 client is redirected to the eu-west-1 bucket once, then writes and reads it', async () => {
    const env = {
      PATH: process.env['PATH'],
      HOME: work,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      ENDPOINT: server.url,
      BUCKET: 'west-data',
    };
    const { stdout } = await run(python as string, [SCRIPT], { env });
    const out = JSON.parse(stdout) as { body: string; statuses: number[] };
    expect(out.body).toBe('across regions');
    expect(out.statuses).toEqual([301, 200, 200]);
    const stored = await server.s3.getObject({ Bucket: 'west-data', Key: 'from-boto3' }, { region: 'eu-west-1' });
    expect(await stored.Body.transformToString()).toBe('across regions');
  }, 60_000);
});
