/**
 * A bucket of another Region than the client's, through the unmodified boto3 and AWS CLI v2 a
 * Debian user has (`apt-get install python3-boto3 awscli`: boto3 1.26, AWS CLI 2.9), against
 * `startServer` (what `strongbox serve` runs). S3
 * answers a request signed for another Region than the bucket's 301 PermanentRedirect with the
 * bucket's Region in `x-amz-bucket-region`, and botocore's `S3RegionRedirectorv2` follows it by
 * itself: a client of us-east-1 writes and reads a bucket of eu-west-1, after one redirect, the
 * bucket's Region then cached. The AWS CLI v2 ships its own botocore with the same redirector:
 * each command is redirected once, then uploads (in one PUT or in parts), lists, downloads and
 * deletes.
 *
 * Each client is skipped, with the reason printed, when it is absent.
 */

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type RunningServer, startServer } from 'strongbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_CLI_V2, PYTHON_WITH_BOTO3 } from './fixtures/real-clients.ts';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('./fixtures/region-clients/boto3-region.py', import.meta.url));

const python = PYTHON_WITH_BOTO3;
const awsV2 = AWS_CLI_V2;
if (python === undefined) console.log('bucket-region-real-clients: no python3 with boto3 (apt-get install python3-boto3); its test is skipped');
if (awsV2 === undefined) console.log('bucket-region-real-clients: no AWS CLI v2 (apt-get install awscli); its test is skipped');

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

describe.skipIf(awsV2 === undefined)(`AWS CLI (${awsV2 ?? 'absent'})`, () => {
  /** Runs `aws` configured for us-east-1 with `--debug`: its output and the status of each response it saw. */
  async function aws(args: readonly string[]): Promise<{ stdout: string; statuses: number[] }> {
    const env = {
      PATH: process.env['PATH'],
      HOME: work,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_PAGER: '',
    };
    const command = ['--endpoint-url', server.url, '--region', 'us-east-1', ...args, '--debug'];
    const { stdout, stderr } = await run(awsV2 as string, command, { env, maxBuffer: 64 * 1024 * 1024 });
    // urllib3's debug line for each response: `"PUT /west-data/k HTTP/1.1" 301 423`.
    const statuses = [...stderr.matchAll(/"(?:GET|PUT|HEAD|POST|DELETE) [^"]*" (\d{3})/g)].map((match) => Number(match[1]));
    return { stdout, statuses };
  }

  /** The first response a redirect, the last a success, nothing refused in between. */
  function expectRedirectedOnce(statuses: readonly number[]): void {
    expect(statuses[0]).toBe(301);
    expect(statuses.at(-1)).toBeLessThan(300);
    expect(statuses.filter((status) => status !== 301 && status >= 300)).toEqual([]);
  }

  it('a us-east-1 CLI is redirected to the eu-west-1 bucket, then uploads, lists, downloads and deletes', async () => {
    const small = join(work, 'small.txt');
    await writeFile(small, 'from the cli');
    const put = await aws(['s3api', 'put-object', '--bucket', 'west-data', '--key', 'from-cli', '--body', small]);
    expect(put.statuses).toEqual([301, 200]);

    // Over the CLI's 8 MiB threshold: CreateMultipartUpload is redirected, the parts follow in eu-west-1.
    const large = join(work, 'large.bin');
    await writeFile(large, Buffer.alloc(9 * 1024 * 1024, 7));
    const multipart = await aws(['s3', 'cp', large, 's3://west-data/large-from-cli']);
    expectRedirectedOnce(multipart.statuses);
    expect(multipart.statuses.slice(0, 2)).toEqual([301, 200]);
    const stored = await server.s3.headObject({ Bucket: 'west-data', Key: 'large-from-cli' }, { region: 'eu-west-1' });
    expect(stored.ContentLength).toBe(9 * 1024 * 1024);

    const listed = await aws(['s3', 'ls', 's3://west-data/']);
    expectRedirectedOnce(listed.statuses);
    expect(listed.stdout).toContain('from-cli');

    const copy = join(work, 'downloaded.txt');
    const download = await aws(['s3', 'cp', 's3://west-data/from-cli', copy]);
    expectRedirectedOnce(download.statuses);
    expect(await readFile(copy, 'utf8')).toBe('from the cli');

    const removed = await aws(['s3', 'rm', 's3://west-data/from-cli']);
    expect(removed.statuses).toEqual([301, 204]);
    await expect(server.s3.headObject({ Bucket: 'west-data', Key: 'from-cli' }, { region: 'eu-west-1' })).rejects.toMatchObject({ code: 'NoSuchKey' });
  }, 120_000);
});
