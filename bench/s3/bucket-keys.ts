/**
 * @module
 * S3 Bucket Keys: how many KMS calls 10,000 SSE-KMS PUTs (and as many GETs) make with and without a
 * bucket key, counted from the KMS audit trail (the CloudTrail events a user would see).
 *
 * ```
 * npx tsx bench/s3/bucket-keys.ts           # 10,000 PUTs and GETs per mode, under a minute or two
 * npx tsx bench/s3/bucket-keys.ts --quick   # 1,000 each
 * ```
 *
 * In process: one `Kms` and one `S3` engine sharing its trail, the in-memory store, 1 KiB bodies,
 * 16 requests in flight, one caller, one customer managed key, the system clock. The target (issue
 * 10): with a bucket key at most one GenerateDataKey per bucket key period (10 minutes by default),
 * that is at least 99% fewer than one per PUT. The figures are counts, not timings: the same on any
 * machine, as long as the run stays within one bucket key period (its duration is printed).
 */

import { randomBytes } from 'node:crypto';
import { Kms } from '@strongbox/kms';
import { DEFAULT_BUCKET_KEY_PERIOD_MS, S3 } from '@strongbox/s3';
import { formatNumber, renderTable } from '../lib/table.ts';

const quick = process.argv.includes('--quick');
const OBJECTS = quick ? 1_000 : 10_000;
const IN_FLIGHT = 16;
const BODY = randomBytes(1024);

interface Row {
  readonly mode: string;
  readonly generateDataKey: number;
  readonly decrypt: number;
  readonly seconds: number;
}

async function run(bucketKey: boolean): Promise<Row> {
  const kms = new Kms({ audit: { capacity: 4 * OBJECTS } });
  const s3 = new S3({ kms, auditTrail: kms.auditTrail });
  try {
    const { KeyMetadata } = await kms.createKey({ Description: 'bench' });
    await s3.createBucket({ Bucket: 'bench' });
    const sse = { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: KeyMetadata?.Arn ?? '', BucketKeyEnabled: bucketKey } as const;
    const started = performance.now();
    await inParallel(OBJECTS, (index) => s3.putObject({ Bucket: 'bench', Key: `o/${index}`, Body: BODY, ...sse }));
    await inParallel(OBJECTS, async (index) => {
      await (await s3.getObject({ Bucket: 'bench', Key: `o/${index}` })).Body.transformToByteArray();
    });
    const seconds = (performance.now() - started) / 1000;
    const count = (name: string): number =>
      kms.auditTrail.events().filter((event) => event.eventSource === 'kms.amazonaws.com' && event.eventName === name).length;
    return { mode: bucketKey ? 'SSE-KMS with a bucket key' : 'SSE-KMS', generateDataKey: count('GenerateDataKey'), decrypt: count('Decrypt'), seconds };
  } finally {
    await s3.close();
    await kms.close();
  }
}

async function inParallel(count: number, task: (index: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

const without = await run(false);
const withKey = await run(true);
console.log(`S3 Bucket Keys: KMS calls for ${formatNumber(OBJECTS)} SSE-KMS PUTs, then as many GETs (counted in the KMS trail)${quick ? ' (quick)' : ''}\n`);
console.log(
  renderTable(
    [{ header: 'mode' }, { header: 'GenerateDataKey', align: 'right' }, { header: 'Decrypt', align: 'right' }, { header: 'run (s)', align: 'right' }],
    [without, withKey].map((row) => [row.mode, formatNumber(row.generateDataKey), formatNumber(row.decrypt), row.seconds.toFixed(1)]),
  ),
);
const fewer = 1 - withKey.generateDataKey / without.generateDataKey;
const periods = Math.max(1, Math.ceil((withKey.seconds * 1000) / DEFAULT_BUCKET_KEY_PERIOD_MS));
const met = fewer >= 0.99 && withKey.generateDataKey <= periods;
console.log(
  `\nGenerateDataKey with a bucket key: ${(fewer * 100).toFixed(2)}% fewer; ${withKey.generateDataKey} call(s) over ${periods} bucket key period(s) ` +
    `→ target (≥ 99% fewer, ≤ 1 per period): ${met ? 'met' : 'NOT met'}${quick ? ' (quick)' : ''}`,
);
