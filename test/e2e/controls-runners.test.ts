/**
 * The test-runner helpers as users meet them: `strongbox/vitest` by running vitest on a small
 * project of its own (a child `vitest run --root <fixture>`), `strongbox/jest` by running jest on
 * another (a child `jest --config <fixture>/jest.config.js --json`, ES modules as the README says:
 * `NODE_OPTIONS=--experimental-vm-modules`), and its globalSetup and globalTeardown also by calling
 * them as jest's `runGlobalHook` does (it imports the module, takes its default export and calls it
 * with `(globalConfig, projectConfig)`, both in jest's parent process), to see what they leave.
 */

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateBucketCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURE = join(import.meta.dirname, 'fixtures', 'controls-vitest');
const JEST_FIXTURE = join(import.meta.dirname, 'fixtures', 'controls-jest');

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

/** What jest's `--json` report says of each test: `<file> > <full name>: <status>`. */
interface JestReport {
  readonly success: boolean;
  readonly numPassedTests: number;
  readonly numTotalTests: number;
  readonly testResults: readonly { readonly name: string; readonly assertionResults: readonly { readonly fullName: string; readonly status: string }[] }[];
}

describe('strongbox/jest', () => {
  it('starts an endpoint for a real jest run, isolates its tests with resetStrongbox() and stops it', async () => {
    const jest = join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
    const output = mkdtempSync(join(tmpdir(), 'strongbox-jest-run-'));
    const report = join(output, 'report.json');
    try {
      // `--conditions=strongbox-dist`: in this workspace only, Node resolves `strongbox` (imported
      // by the global setup) to its built JavaScript, as the published package does (resolver.cjs).
      await promisify(execFile)(
        process.execPath,
        [jest, '--config', join(JEST_FIXTURE, 'jest.config.js'), '--ci', '--json', '--outputFile', report, '--cacheDirectory', output],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            NODE_OPTIONS: '--experimental-vm-modules --conditions=strongbox-dist',
            NODE_NO_WARNINGS: '1',
            NO_COLOR: '1',
            FORCE_COLOR: '0',
            AWS_ENDPOINT_URL: '',
            STRONGBOX_ENDPOINT_URL: '',
            STRONGBOX_SETTINGS_FILE: '',
          },
          timeout: 120_000,
        },
      ).catch((error: { stdout?: string; stderr?: string; message: string }) => {
        throw new Error(`the jest fixture run failed: ${error.message}\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
      });
      const result = JSON.parse(readFileSync(report, 'utf8')) as JestReport;
      const outcomes = result.testResults
        .flatMap((file) => file.assertionResults.map((test) => `${file.name.slice(JEST_FIXTURE.length + 1)} > ${test.fullName}: ${test.status}`))
        .sort();
      expect(outcomes).toEqual([
        'readme.jest.js > creates a key: passed',
        's3.jest.js > the endpoint the global setup started is set for the code under test and written to the settings file: passed',
        's3.jest.js > the endpoint the global setup started serves the application its bucket and key: passed',
        's3.jest.js > the endpoint the global setup started starts each test fresh after resetStrongbox(): passed',
      ]);
      expect(result).toMatchObject({ success: true, numPassedTests: 4, numTotalTests: 4 });
      // The teardown ran: the settings file the setup wrote into jest's cache directory is gone
      // (and jest exited, which an endpoint left listening would have kept it from).
      expect(readdirSync(output).filter((name) => name.startsWith('strongbox-settings-'))).toEqual([]);
    } finally {
      rmSync(output, { recursive: true, force: true });
    }
  }, 150_000);

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
