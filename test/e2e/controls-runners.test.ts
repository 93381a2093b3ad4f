/**
 * The test-runner helpers as users meet them: `strongbox/vitest` by running vitest on a small
 * project of its own (a child `vitest run --root <fixture>`), and `strongbox/jest` by calling its
 * globalSetup and globalTeardown exactly as jest does (jest is not a dependency of the workspace:
 * jest's `runGlobalHook` imports the module, takes its default export and calls it with
 * `(globalConfig, projectConfig)`, both run in jest's parent process).
 */

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateBucketCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURE = join(import.meta.dirname, 'fixtures', 'controls-vitest');

describe('strongbox/vitest', () => {
  it('starts an endpoint for a real vitest run, isolates its tests and stops it', async () => {
    const vitest = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
    const result = await promisify(execFile)(process.execPath, [vitest, 'run', '--root', FIXTURE, '--reporter', 'verbose'], {
      cwd: ROOT,
      env: { ...process.env, NODE_NO_WARNINGS: '1', NO_COLOR: '1', FORCE_COLOR: '0', AWS_ENDPOINT_URL: '', STRONGBOX_ENDPOINT_URL: '' },
      timeout: 120_000,
    }).catch((error: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(`the fixture run failed: ${error.message}\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
    });
    expect(result.stdout).toMatch(/Tests\s+6 passed \(6\)/);
    expect(result.stdout).toContain('starts each test fresh after resetStrongbox()');
  }, 150_000);
});

describe('strongbox/jest', () => {
  it('globalSetup starts an endpoint, sets the environment and writes the settings file; globalTeardown undoes it all', async () => {
    const cacheDirectory = mkdtempSync(join(tmpdir(), 'strongbox-jest-'));
    const before = process.env.AWS_ENDPOINT_URL;
    try {
      const setup = (await import('strongbox/jest')).default;
      const teardown = (await import('strongbox/jest/teardown')).default;
      const globalConfig = { rootDir: ROOT };
      const projectConfig = { cacheDirectory };
      await setup(globalConfig, projectConfig);
      const endpoint = process.env.AWS_ENDPOINT_URL ?? '';
      expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const file = process.env.STRONGBOX_SETTINGS_FILE ?? '';
      expect(file.startsWith(cacheDirectory)).toBe(true);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
        endpoint,
        region: 'us-east-1',
        accessKeyId: 'test',
        secretAccessKey: 'test',
        adminUrl: `${endpoint}/_strongbox/`,
      });
      const { resetStrongbox, strongboxSettings } = await import('strongbox/jest');
      expect(strongboxSettings().endpoint).toBe(endpoint);
      const s3 = new S3Client({ forcePathStyle: true });
      await s3.send(new CreateBucketCommand({ Bucket: 'jest-bucket' }));
      await resetStrongbox();
      expect((await s3.send(new ListBucketsCommand({}))).Buckets ?? []).toEqual([]);
      s3.destroy();
      await teardown(globalConfig, projectConfig);
      expect(existsSync(file)).toBe(false);
      expect(process.env.AWS_ENDPOINT_URL).toBe(before);
      expect(process.env.STRONGBOX_SETTINGS_FILE).toBeUndefined();
      await expect(fetch(`${endpoint}/_strongbox/health`)).rejects.toThrow();
    } finally {
      rmSync(cacheDirectory, { recursive: true, force: true });
    }
  }, 30_000);
});
