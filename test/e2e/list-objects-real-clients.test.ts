/**
 * ListObjects (version 1) through the unmodified clients a Debian user has (`apt-get install
 * python3-boto3 awscli`: boto3 1.26, AWS CLI 2.9), against `startServer` (what `strongbox serve`
 * runs) over plain HTTP. boto3's resource collections (`Bucket.objects.all()`, `.filter(Prefix)`,
 * `.page_size(n)`) and its `list_objects` paginator page with ListObjects, continuing from
 * `NextMarker` or the last key, and botocore asks for `EncodingType=url` on every call and decodes
 * the keys: a key with a space and an emoji crosses both ways. `aws s3api list-objects` pages the
 * same way. Strongbox answered these bucket GETs 405, so every one of them failed.
 *
 * Each client is skipped, with the reason printed, when it is absent.
 */

import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type RunningServer, startServer } from 'strongbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedClientEnvironment } from './fixtures/client-environment.ts';
import { AWS_CLI_V2, PYTHON_WITH_BOTO3 } from './fixtures/real-clients.ts';

const run = promisify(execFile);
const FIXTURES = fileURLToPath(new URL('./fixtures/list-clients/', import.meta.url));

const python = PYTHON_WITH_BOTO3;
const awsV2 = AWS_CLI_V2;
if (python === undefined) console.log('list-objects-real-clients: no python3 with boto3 (apt-get install python3-boto3); its test is skipped');
if (awsV2 === undefined) console.log('list-objects-real-clients: no AWS CLI v2 (apt-get install awscli); its test is skipped');

let work: string;
let server: RunningServer;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'strongbox-list-clients-'));
  server = await startServer({ port: 0, dataDirectory: join(work, 'data'), quotas: false });
  env = isolatedClientEnvironment(work, { ENDPOINT: server.url });
  for (const bucket of ['boto3', 'cli']) await server.s3.createBucket({ Bucket: bucket });
}, 60_000);

afterAll(async () => {
  await server?.close();
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

describe.skipIf(python === undefined)(`boto3 (${python ?? 'absent'})`, () => {
  it('Bucket.objects.all(), .filter(Prefix), .page_size(2) and the list_objects paginator with a delimiter', async () => {
    const { stdout } = await run(python as string, [join(FIXTURES, 'boto3-list.py')], { env: { ...env, BUCKET: 'boto3' } });
    const out = JSON.parse(stdout) as Record<string, unknown>;
    const all = ['a b/3', 'a/1', 'a/2', 'b/😀 4', 'c'];
    expect(out['all']).toEqual(all);
    expect(out['paged']).toEqual(all);
    expect(out['filtered']).toEqual(['a b/3', 'a/1', 'a/2']);
    expect(out['sizes']).toEqual([3, 3]);
    // Every summary has its owner's canonical id (ListObjects answers Owner always).
    expect(out['owners']).toEqual([64]);
    // One entry a page: NextMarker names the key or common prefix each page ends on, none on the last.
    expect(out['delimited']).toEqual([
      [[], ['a b/'], 'a b/'],
      [[], ['a/'], 'a/'],
      [[], ['b/'], 'b/'],
      [['c'], [], null],
    ]);
    const queries = out['queries'] as string[];
    // all, three pages of two, filter, sizes, owners, four delimited pages.
    expect(queries).toHaveLength(11);
    for (const query of queries) {
      expect(query).toContain('encoding-type=url');
      expect(query).not.toContain('list-type');
    }
    expect(queries.filter((query) => query.includes('marker='))).toHaveLength(5);
  }, 60_000);
});

describe.skipIf(awsV2 === undefined)(`the AWS CLI v2 (${awsV2 ?? 'absent'})`, () => {
  it('aws s3api list-objects pages by marker, with and without a delimiter', async () => {
    for (const key of ['x/1', 'x/2', 'y z', 'zz']) await server.s3.putObject({ Bucket: 'cli', Key: key, Body: key });
    const aws = async (args: string): Promise<unknown> =>
      JSON.parse((await run('sh', ['-c', `"${awsV2}" ${args} --endpoint-url ${server.url} --region us-east-1 --output json`], { env })).stdout);
    expect(await aws(`s3api list-objects --bucket cli --page-size 1 --query 'Contents[].Key'`)).toEqual(['x/1', 'x/2', 'y z', 'zz']);
    expect(await aws(`s3api list-objects --bucket cli --delimiter / --page-size 1 --query '[Contents[].Key, CommonPrefixes[].Prefix]'`)).toEqual([
      ['y z', 'zz'],
      ['x/'],
    ]);
  }, 60_000);
});
