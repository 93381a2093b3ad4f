/**
 * A service Strongbox does not emulate, called with the unmodified AWS CLI (the `aws` on PATH)
 * and boto3 (Python) against `startServer`, where they are installed (neither is a dependency of
 * this repository: each test is skipped otherwise): the printed error names the service and what the endpoint
 * serves, in each protocol the CLI speaks (Query, REST-XML, REST-JSON), rather than the CLI's
 * `An error occurred (Unknown)` for S3's answer, or `(400) … Bad Request` for an error body in
 * another protocol's shape, neither of which it can parse.
 */

import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/index.ts';

// The `aws` on PATH, as the other CLI tests run it (STRONGBOX_TEST_AWS names another one, e.g.
// /usr/bin/aws, Debian's 2.9, to try both lines).
const AWS = process.env['STRONGBOX_TEST_AWS'] ?? 'aws';
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
/** What the X-Amz-Target router's UnknownOperationException says is served (its routes, all of them). */
const SERVED_TARGETS = 'Strongbox health (/_strongbox/health), Strongbox admin API (/_strongbox/), KMS, CloudTrail LookupEvents, STS GetCallerIdentity, S3.';

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
  // One per protocol the CLI speaks: the answer is in each one's error shape, so the CLI prints
  // the code and message rather than `An error occurred (400) ...: Bad Request` (REST-XML given JSON).
  for (const { command, protocol, service, operation } of [
    { command: 'sns list-topics', protocol: 'Query', service: 'sns', operation: 'ListTopics' },
    { command: 'iam list-users', protocol: 'Query', service: 'iam', operation: 'ListUsers' },
    { command: 'route53 list-hosted-zones', protocol: 'REST-XML', service: 'route53', operation: 'ListHostedZones' },
    { command: 'cloudfront list-distributions', protocol: 'REST-XML', service: 'cloudfront', operation: 'ListDistributions' },
    { command: 'lambda list-functions', protocol: 'REST-JSON', service: 'lambda', operation: 'ListFunctions' },
  ]) {
    it.skipIf(!hasAws)(
      `aws ${command} (${protocol}) prints UnknownService naming ${service}`,
      async () => {
        const stderr = await failing(AWS, [...command.split(' '), '--endpoint-url', server.url]);
        // A client error: the CLI does not retry it (no "reached max retries").
        expect(stderr.trim()).toBe(
          `An error occurred (UnknownService) when calling the ${operation} operation: No service on this endpoint handles requests signed for service '${service}'; ${SERVED}`,
        );
      },
      60_000,
    );
  }

  // SQS is Query in the CLIs of 2023 and before (Debian's 2.9 sends `Action=ListQueues`) and AWS
  // JSON with `X-Amz-Target: AmazonSQS.ListQueues` in later ones (aws-cli 1.45): the second is
  // routed by its target, so it gets the router's UnknownOperationException naming it. The CLI's
  // own debug log says which it sent (its canonical request's `x-amz-target:` line).
  it.skipIf(!hasAws)(
    'aws sqs list-queues prints an error naming SQS, whichever protocol the CLI sends it in',
    async () => {
      const stderr = await failing(AWS, ['sqs', 'list-queues', '--endpoint-url', server.url, '--debug']);
      const json = stderr.includes('\nx-amz-target:AmazonSQS.ListQueues\n');
      const query = stderr.includes("'Action': 'ListQueues'");
      expect([json, query]).toContain(true);
      expect(stderr.trim().split('\n').at(-1)).toBe(
        json
          ? `An error occurred (UnknownOperationException) when calling the ListQueues operation: No service on this endpoint handles X-Amz-Target 'AmazonSQS.ListQueues'; it serves ${SERVED_TARGETS}`
          : `An error occurred (UnknownService) when calling the ListQueues operation: No service on this endpoint handles requests signed for service 'sqs'; ${SERVED}`,
      );
    },
    60_000,
  );

  // A directory bucket's name (`--x-s3`) makes newer CLIs (aws-cli 1.45) call CreateSession signed
  // for `s3express` first (botocore's S3 endpoint rule set, "signingName": "s3express"); older ones
  // (Debian's 2.9) sign it for `s3`, and S3 refuses the name. The debug log says which.
  it.skipIf(!hasAws)(
    'aws s3api list-objects-v2 on a directory bucket prints UnknownService naming s3express where the CLI signs for it',
    async () => {
      const stderr = await failing(AWS, ['s3api', 'list-objects-v2', '--bucket', 'b--use1-az4--x-s3', '--endpoint-url', server.url, '--debug']);
      const last = stderr.trim().split('\n').at(-1);
      if (stderr.includes('/s3express/aws4_request'))
        expect(last).toBe(
          `An error occurred (UnknownService) when calling the CreateSession operation: No service on this endpoint handles requests signed for service 's3express'; ${SERVED}`,
        );
      else expect(last).toBe('An error occurred (InvalidBucketName) when calling the ListObjectsV2 operation: The specified bucket is not valid.');
    },
    60_000,
  );

  // A REST-JSON operation sending the caller's XML payload (`--content-type application/xml`).
  it.skipIf(!hasAws)(
    'aws sagemaker-runtime invoke-endpoint with an XML body (REST-JSON) prints UnknownService naming sagemaker',
    async () => {
      const stderr = await failing(AWS, [
        'sagemaker-runtime',
        'invoke-endpoint',
        '--endpoint-name',
        'e',
        '--content-type',
        'application/xml',
        '--body',
        'fileb:///dev/null',
        '/dev/null',
        '--endpoint-url',
        server.url,
      ]);
      expect(stderr.trim()).toBe(
        `An error occurred (UnknownService) when calling the InvokeEndpoint operation: No service on this endpoint handles requests signed for service 'sagemaker'; ${SERVED}`,
      );
    },
    60_000,
  );

  for (const { client, call, protocol } of [
    { client: 'lambda', call: 'list_functions', protocol: 'REST-JSON' },
    { client: 'route53', call: 'list_hosted_zones', protocol: 'REST-XML' },
  ]) {
    it.skipIf(!hasBoto3)(
      `boto3 ${client} ${call} (${protocol}) raises a ClientError naming ${client}`,
      async () => {
        const script = [
          'import sys, boto3, botocore.exceptions',
          'client = boto3.client(sys.argv[2], endpoint_url=sys.argv[1])',
          'try:',
          '    getattr(client, sys.argv[3])()',
          'except botocore.exceptions.ClientError as error:',
          "    sys.exit(f\"{error.response['ResponseMetadata']['HTTPStatusCode']} {error.response['Error']['Code']}: {error.response['Error']['Message']}\")",
        ].join('\n');
        const stderr = await failing('python3', ['-c', script, server.url, client, call]);
        expect(stderr).toBe(`400 UnknownService: No service on this endpoint handles requests signed for service '${client}'; ${SERVED}\n`);
      },
      60_000,
    );
  }
});
