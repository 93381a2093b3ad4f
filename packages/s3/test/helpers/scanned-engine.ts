/**
 * An engine on a fresh data directory for the round-trip properties (`service/s3.test.ts`,
 * `service/multipart.property.test.ts`): bucket `prop`, which takes SSE-C; the test records the
 * plaintexts and SSE-C keys it writes, and once the engine is closed the whole directory is
 * scanned for them (`scan.ts`).
 */

import { S3 } from '../../src/index.ts';
import { ALLOW_SSE_C } from './backends.ts';
import { assertNoSecretsOnDisk } from './scan.ts';
import { tempDirectory } from './temp.ts';

/** The bucket `withScannedEngine` creates. */
export const SCANNED_BUCKET = 'prop';

/** The engine and the secrets a test records as it writes them. */
export interface ScannedEngine {
  readonly s3: S3;
  readonly plaintexts: Uint8Array[];
  readonly customerKeys: Uint8Array[];
}

/**
 * Runs `run` on an engine over a fresh data directory (named after `label`), closes the engine,
 * then asserts no file of the directory holds a recorded plaintext or SSE-C key.
 * @example await withScannedEngine('s3-property', async ({ s3, plaintexts }) => { plaintexts.push(body); await s3.putObject(...); });
 */
export async function withScannedEngine(label: string, run: (engine: ScannedEngine) => Promise<void>): Promise<void> {
  const directory = tempDirectory(label);
  const s3 = new S3({ storage: { directory } });
  const engine: ScannedEngine = { s3, plaintexts: [], customerKeys: [] };
  try {
    await s3.createBucket({ Bucket: SCANNED_BUCKET });
    await s3.putBucketEncryption({ Bucket: SCANNED_BUCKET, ...ALLOW_SSE_C });
    await run(engine);
  } finally {
    await s3.close();
  }
  await assertNoSecretsOnDisk(directory, { plaintexts: engine.plaintexts, customerKeys: engine.customerKeys });
}
