/**
 * A service Strongbox does not emulate, called with the unmodified AWS CLI and boto3 (Python)
 * against `startServer`, where they are installed (neither is a dependency of this repository:
 * each test is skipped otherwise): the printed error names the service and what the endpoint
 * serves, rather than the CLI's `An error occurred (Unknown)` for S3's answer it cannot parse.
 */

import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/index.ts';

// CLI v2 as Debian packages it (2.9): SQS in the Query protocol, as the user who reported it had.
// Newer CLIs and botocore send SQS as JSON with `X-Amz-Target`, which the router already answers.
const AWS = '/usr/bin/aws';
const hasAws = spawnSync(AWS, ['--version'], { stdio: 'ignore' }).status === 0;
const hasBoto3 = spawnSync('python3', ['-c', 'import boto3'], { stdio: 'ignore' }).status === 0;
if (!hasAws) console.log(`unserved.cli.test: ${AWS} is not installed (apt-get install awscli); its tests are skipped`);
if (!hasBoto3) console.log('unserved.cli.test: python3 with boto3 is not installed (apt-get install python3-boto3); its test is skipped');

const env = {
  ...process.env,
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
};
const SERVED = 'it serves KMS, CloudTrail LookupEvents, STS GetCallerIdentity, S3.';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ port: 0 });
});
afterAll(async () => {
  await server?.close();
});

/** Runs a command expected to fail and returns its stderr. */
async function failing(file: string, args: readonly string[]): Promise<string> {
  try {
    await promisify(execFile)(file, args, { env });
  } catch (error) {
    return (error as { stderr: string }).stderr;
  }
  throw new Error(`${file} ${args.join(' ')} succeeded`);
}

describe('a service the endpoint does not serve', () => {
  it.skipIf(!hasAws)(
    'aws sqs list-queues (Query protocol) prints UnknownService naming sqs',
    async () => {
      const stderr = await failing(AWS, ['sqs', 'list-queues', '--endpoint-url', server.url]);
      // A client error: the CLI does not retry it (no "reached max retries").
      expect(stderr.trim()).toBe(
        `An error occurred (UnknownService) when calling the ListQueues operation: No service on this endpoint handles requests signed for service 'sqs'; ${SERVED}`,
      );
    },
    60_000,
  );

  it.skipIf(!hasAws)(
    'aws sns list-topics (Query protocol) prints UnknownService naming sns',
    async () => {
      const stderr = await failing(AWS, ['sns', 'list-topics', '--endpoint-url', server.url]);
      expect(stderr.trim()).toBe(
        `An error occurred (UnknownService) when calling the ListTopics operation: No service on this endpoint handles requests signed for service 'sns'; ${SERVED}`,
      );
    },
    60_000,
  );

  it.skipIf(!hasBoto3)(
    'boto3 lambda list_functions (REST-JSON) raises a ClientError naming lambda',
    async () => {
      const script = [
        'import sys, boto3, botocore.exceptions',
        "client = boto3.client('lambda', endpoint_url=sys.argv[1])",
        'try:',
        '    client.list_functions()',
        'except botocore.exceptions.ClientError as error:',
        "    sys.exit(f\"{error.response['ResponseMetadata']['HTTPStatusCode']} {error.response['Error']['Code']}: {error.response['Error']['Message']}\")",
      ].join('\n');
      const stderr = await failing('python3', ['-c', script, server.url]);
      expect(stderr).toBe(`400 UnknownService: No service on this endpoint handles requests signed for service 'lambda'; ${SERVED}\n`);
    },
    60_000,
  );
});
