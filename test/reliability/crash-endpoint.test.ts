/**
 * SIGKILL of the whole endpoint under a write-heavy mixed workload: `strongbox serve --data DIR`
 * runs as a child process; the test drives it over HTTPS with the official SDK clients (seven lanes
 * at once: objects under every SSE mode, multipart uploads, bucket encryption and policies, KMS
 * keys, aliases, grants, encryptions, rotations and scheduled deletions: see
 * helpers/crash-workload.ts), kills it with SIGKILL at a random moment, restarts it on the same
 * directory and checks that every acknowledged write is intact and usable and that nothing
 * half-written is visible (helpers/crash-verify.ts), then goes on writing; many cycles on one
 * directory. The per-package crash tests kill a store's own writer (packages/kms/test/crash.test.ts,
 * packages/s3/test/storage/crash.test.ts); this one kills the endpoint with both services sharing it.
 *
 * A cycle takes a few seconds whatever the run's length: the check after a restart looks at
 * everything written or in flight since the previous check and at a sample of the older keys,
 * aliases, grants and ciphertexts (those accumulate); every `FULL_CHECK_EVERY` cycles, and after
 * the last kill, it checks everything (helpers/crash-verify.ts).
 *
 * Size: STRONGBOX_CRASH_CYCLES (default 6); the report's full run is
 * `STRONGBOX_CRASH_CYCLES=100 npx vitest run --project workspace test/reliability/crash-endpoint.test.ts`.
 */

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { CreateBucketCommand, PutBucketEncryptionCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyCrashState } from './helpers/crash-verify.ts';
import {
  BUCKET_A,
  BUCKET_B,
  bucketConfigurationLane,
  CrashState,
  GRANTEE_ARN,
  keyLifecycleLane,
  keysLane,
  type LaneContext,
  multipartLane,
  objectLane,
} from './helpers/crash-workload.ts';
import { kmsClient, type ServedChild, s3Client, serveChild } from './helpers/serve.ts';
import { recordReliability } from './summary.ts';

const CYCLES = Math.max(1, Number.parseInt(process.env['STRONGBOX_CRASH_CYCLES'] ?? '6', 10) || 6);
/** Every how many cycles the check after the restart looks at everything (and always after the last kill). */
const FULL_CHECK_EVERY = 10;
/** How many of the older keys, aliases, grants and ciphertexts each a partial check samples. */
const SAMPLE = 8;
const GRANTEE = { accessKeyId: 'AKIAGRANTEE', secretAccessKey: 'grantee-secret' };

let directory: string;
let usersFile: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'strongbox-crash-'));
  usersFile = join(directory, '..', `${directory.split('/').pop()}-users.json`);
  // The grantee has no KMS permission of its own: only grants let it use a key.
  await writeFile(usersFile, JSON.stringify({ users: [{ ...GRANTEE, principal: GRANTEE_ARN, policy: { allow: ['s3:ListAllMyBuckets'] } }] }));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
  await rm(usersFile, { force: true });
});

async function start(): Promise<ServedChild> {
  return serveChild({ args: ['--data', join(directory, 'data'), '--users', usersFile, '--no-quotas', '--quiet'] });
}

describe('strongbox serve --data: SIGKILL under a mixed write workload', () => {
  it(
    `loses no acknowledged write and shows nothing half-written (${CYCLES} cycles)`,
    async () => {
      const state = new CrashState();
      const log: string[] = [];
      let checks = 0;
      for (let cycle = 0; cycle <= CYCLES; cycle++) {
        const began = performance.now();
        const served = await start();
        const startMs = Math.round(performance.now() - began);
        let check = 'setup';
        const clients = { s3: s3Client(served), kms: kmsClient(served), grantee: kmsClient(served, GRANTEE) };
        try {
          if (cycle === 0) {
            await clients.s3.send(new CreateBucketCommand({ Bucket: BUCKET_A }));
            await clients.s3.send(new CreateBucketCommand({ Bucket: BUCKET_B }));
            // New buckets block SSE-C (S3 since April 2026): the SSE-C objects' bucket allows it.
            await clients.s3.send(
              new PutBucketEncryptionCommand({
                Bucket: BUCKET_A,
                ServerSideEncryptionConfiguration: {
                  Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BlockedEncryptionTypes: { EncryptionType: ['NONE'] } }],
                },
              }),
            );
            state.objectsKeyId = (await clients.kms.send(new CreateKeyCommand({ Description: 'objects' }))).KeyMetadata!.KeyId!;
            // A new bucket's default encryption is SSE-S3 (S3 since January 2023).
            state.bucketEncryption.acked = 'AES256';
          } else {
            const full = cycle === CYCLES || cycle % FULL_CHECK_EVERY === 0;
            const checkBegan = performance.now();
            const verification = await verifyCrashState(clients, state, { full, sample: SAMPLE });
            checks += verification.checks;
            check = `${full ? 'full' : 'partial'} check of ${verification.checks} in ${Math.round(performance.now() - checkBegan)} ms`;
            expect(verification.problems, `after cycle ${cycle - 1} (${log.join('; ')})`).toEqual([]);
          }
          if (cycle === CYCLES) {
            expect(await served.stop('SIGTERM')).toBe(0);
            break;
          }
          let stopping = false;
          const failures: string[] = [];
          const context: LaneContext = { s3: clients.s3, kms: clients.kms, state, stopped: () => stopping };
          const lanes = [
            objectLane(context, 'sse-s3'),
            objectLane(context, 'sse-kms'),
            objectLane(context, 'sse-c'),
            objectLane(context, 'default'),
            multipartLane(context),
            bucketConfigurationLane(context),
            keysLane(context),
            keyLifecycleLane(context),
          ].map((lane) =>
            lane.catch((error: Error) => {
              // A failure before the kill is a bug; after it, the request was cut (it may or may not have landed).
              if (!stopping) failures.push(`${error.name}: ${error.message}`);
            }),
          );
          const before = state.totalAcknowledged();
          const delayMs = 300 + Math.floor(Math.random() * 1500);
          await new Promise((resolve) => setTimeout(resolve, delayMs));
          stopping = true;
          served.child.kill('SIGKILL');
          await Promise.all(lanes);
          expect(await served.exited).toBe('SIGKILL');
          expect(failures, served.stderr()).toEqual([]);
          log.push(`cycle ${cycle}: killed after ${delayMs} ms, ${state.totalAcknowledged() - before} writes acknowledged`);
          // Progress of long runs (STRONGBOX_CRASH_CYCLES=100), on stderr.
          process.stderr.write(
            `crash-endpoint: ${log.at(-1)}; start ${startMs} ms, ${check}, cycle ${Math.round(performance.now() - began)} ms; ${state.totalAcknowledged()} acknowledged, ${checks} checks so far\n`,
          );
        } finally {
          for (const client of Object.values(clients)) client.destroy();
          await served.stop('SIGKILL');
        }
      }
      const acknowledged = state.totalAcknowledged();
      // The cycles did real work of every kind.
      for (const kind of ['PutObject AES256', 'PutObject SSE-C', 'CreateKey', 'CreateGrant', 'PutBucketPolicy', 'UploadPart'])
        expect(state.acknowledged.get(kind) ?? 0, `${kind}: ${log.join('; ')}`).toBeGreaterThan(0);
      recordReliability('crash-restart cycles survived (strongbox serve --data, SIGKILL)', CYCLES);
      recordReliability('acknowledged writes checked after SIGKILL', acknowledged, `${checks.toLocaleString('en-US')} checks after restarts`);
      process.stdout.write(
        `crash-endpoint: ${CYCLES} cycles, ${acknowledged} acknowledged writes, ${checks} checks\n${JSON.stringify(Object.fromEntries(state.acknowledged))}\n`,
      );
    },
    // A hang bound, not a speed limit: a cycle (a start, a check, a kill) takes seconds, a full
    // check of a long run's state longer; a minute each leaves room for 2 loaded cores.
    60_000 + CYCLES * 60_000,
  );
});
