/**
 * The strongbox README's controls examples run as written: the in-process block is run as a
 * script (`node --import tsx`) from the workspace root, where `strongbox` resolves as it does for
 * a user; the vitest test block is the fixture project's `readme.fixture.ts`, which
 * `controls-runners.test.ts` runs under vitest, and the jest one its `readme.jest.js`, run under jest.
 */

import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { createStrongbox } from 'strongbox';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const README = readFileSync(join(ROOT, 'packages', 'strongbox', 'README.md'), 'utf8');

/** The fenced block of `language` that follows `marker` in the README. */
function blockAfter(marker: string, language: string): string {
  const at = README.indexOf(marker);
  if (at < 0) throw new Error(`the README has no ${JSON.stringify(marker)}`);
  const open = README.indexOf(`\`\`\`${language}\n`, at);
  const close = README.indexOf('```', open + 4 + language.length);
  return README.slice(open + 4 + language.length, close);
}

describe('the strongbox README controls examples', () => {
  it('runs the in-process controls example as written', async () => {
    const script = join(import.meta.dirname, 'fixtures', `.readme-controls-${process.pid}.ts`);
    writeFileSync(script, blockAfter('In process, the same controls:', 'ts'));
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], {
        cwd: ROOT,
        env: { ...process.env, NODE_NO_WARNINGS: '1' },
        timeout: 60_000,
      });
      expect(stdout.trim().split('\n')).toEqual(['ThrottlingException', 'NotFoundException', 'cryptographic']);
    } finally {
      rmSync(script, { force: true });
    }
  }, 90_000);

  it('keeps the vitest example the same as the fixture the runner test runs', () => {
    expect(README).toContain(
      "// vitest.config.ts\nimport { defineConfig } from 'vitest/config';\nexport default defineConfig({ test: { globalSetup: ['strongbox/vitest'] } });",
    );
    const test = README.slice(README.indexOf('// app.test.ts\n') + '// app.test.ts\n'.length);
    const fixture = readFileSync(join(import.meta.dirname, 'fixtures', 'controls-vitest', 'readme.fixture.ts'), 'utf8')
      .split('\n\n')
      .slice(1)
      .join('\n\n');
    expect(test.startsWith(fixture)).toBe(true);
  });

  it('keeps the jest example the same as the fixture project the runner test runs with jest', async () => {
    const line = "export default { globalSetup: 'strongbox/jest', globalTeardown: 'strongbox/jest/teardown', maxWorkers: 1, transform: {} };";
    expect(README).toContain(`// jest.config.js\n${line}`);
    const fixture = join(import.meta.dirname, 'fixtures', 'controls-jest');
    const config = (await import(join(fixture, 'jest.config.js'))).default as Record<string, unknown>;
    expect(config).toMatchObject({ globalSetup: 'strongbox/jest', globalTeardown: 'strongbox/jest/teardown', maxWorkers: 1, transform: {} });
    const test = blockAfter(line, 'js');
    const file = readFileSync(join(fixture, 'readme.jest.js'), 'utf8').split('\n\n').slice(1).join('\n\n');
    expect(test).toBe(file);
  });

  it("states each service's clock-skew window as the endpoint enforces it: 5 minutes, 15 for S3", async () => {
    expect(README).toContain('| Clock off by more than 5 minutes (KMS, STS, CloudTrail, admin API) | `InvalidSignatureException`');
    expect(README).toContain('| Clock off by more than 15 minutes (S3) | 403 `RequestTimeTooSkewed`');
    const sb = await createStrongbox();
    // One attempt each: the SDK would correct its offset from the refusal's Date and retry.
    const kms = new KMSClient({ ...sb.clientConfig, maxAttempts: 1 });
    const s3 = new S3Client({ ...sb.clientConfig, maxAttempts: 1 });
    try {
      sb.controls.clock.advance(6 * 60_000);
      await expect(kms.send(new ListKeysCommand({}))).rejects.toMatchObject({
        name: 'InvalidSignatureException',
        message: expect.stringMatching(/^Signature expired/),
      });
      expect((await s3.send(new ListBucketsCommand({}))).$metadata.httpStatusCode).toBe(200);
      // A fresh client: the first one took the endpoint's time from that answer's Date.
      sb.controls.clock.advance(10 * 60_000);
      const late = new S3Client({ ...sb.clientConfig, maxAttempts: 1 });
      await expect(late.send(new ListBucketsCommand({}))).rejects.toMatchObject({
        name: 'RequestTimeTooSkewed',
        $metadata: { httpStatusCode: 403 },
        MaxAllowedSkewMilliseconds: '900000',
      });
      late.destroy();
    } finally {
      kms.destroy();
      s3.destroy();
      await sb.close();
    }
  });
});
