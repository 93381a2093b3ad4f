/**
 * The packages as users get them: every published package is packed with `pnpm pack` (which
 * runs its `prepack`, the build, and applies `publishConfig`: exports at `dist/`, `workspace:*`
 * turned into versions), and the tarballs are installed together into an empty project with npm,
 * beside the AWS SDK clients a user adds. There, a TypeScript file using each package type-checks against the packed `.d.ts`
 * (an `@ts-expect-error` proves the types are real, not `any`), the in-process quick start of the
 * README runs as written, and `npx strongbox serve` answers its health endpoint and stops on
 * SIGTERM with exit code 0.
 *
 * npm fetches the packages' own dependencies from the registry (through npm's cache, so a second
 * run is offline). Without the registry this test fails: it is not skipped silently. Set
 * `STRONGBOX_SKIP_PACKED=1` to skip it on a machine that cannot reach the registry.
 */

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const PACKAGES = ['envelope', 'service-kernel', 'kms', 's3', 's3-encryption-client', 'strongbox'];
const SKIP = process.env['STRONGBOX_SKIP_PACKED'] === '1';
const rootManifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
  packageManager: string;
  devDependencies: Record<string, string>;
};
const PNPM = rootManifest.packageManager;
/** The versions this workspace tests against, so npm resolves the same ones (and finds them in its cache). */
const pinned = (name: string): string => `${name}@${rootManifest.devDependencies[name]}`;

let scratch = '';
let installed = false;

beforeAll(async () => {
  if (SKIP) return;
  scratch = await mkdtemp(join(tmpdir(), 'strongbox-packed-'));
  const tarballs = join(scratch, 'tarballs');
  await mkdir(tarballs);
  // Each package's `prepack` builds it (incremental `tsc -b`: quick when built) and refuses to
  // pack when a file its published manifest names is missing (scripts/check-packed-files.mjs), so
  // the dist/ folders the tarballs carry are the current sources'.
  for (const dir of PACKAGES) {
    await run('npx', ['--yes', PNPM, 'pack', '--pack-destination', tarballs], { cwd: join(ROOT, 'packages', dir) });
  }
  const project = join(scratch, 'project');
  await mkdir(project);
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'packed-check', private: true, type: 'module' }, null, 2));
  const files = (await readdir(tarballs)).filter((name) => name.endsWith('.tgz')).map((name) => join(tarballs, name));
  expect(files).toHaveLength(PACKAGES.length);
  await run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--loglevel=error',
      ...files,
      pinned('@aws-sdk/client-s3'),
      pinned('@aws-sdk/client-kms'),
      pinned('typescript'),
      pinned('@types/node'),
    ],
    { cwd: project, maxBuffer: 16 * 1024 * 1024 },
  );
  installed = true;
}, 240_000);

afterAll(async () => {
  if (scratch !== '') await rm(scratch, { recursive: true, force: true });
});

describe.skipIf(SKIP)('the packed packages, installed with npm into an empty project', { timeout: 120_000 }, () => {
  const project = (): string => join(scratch, 'project');

  it('installs every package from its tarball, with dist/ entry points', async () => {
    expect(installed).toBe(true);
    for (const name of [
      '@strongbox/envelope',
      '@strongbox/service-kernel',
      '@strongbox/kms',
      '@strongbox/s3',
      '@strongbox/s3-encryption-client',
      'strongbox',
    ]) {
      const manifest = JSON.parse(await readFile(join(project(), 'node_modules', name, 'package.json'), 'utf8')) as {
        exports: Record<string, unknown>;
        dependencies?: Record<string, string>;
      };
      expect(JSON.stringify(manifest.exports['.']), name).toContain('./dist/index.js');
      // Every file the packed manifest points at came in the tarball.
      for (const target of leaves(manifest.exports)) expect(existsSync(join(project(), 'node_modules', name, target)), `${name}: ${target}`).toBe(true);
      // workspace:* became real versions.
      for (const [dependency, range] of Object.entries(manifest.dependencies ?? {})) expect(range, `${name} -> ${dependency}`).not.toMatch(/^workspace:/);
    }
  });

  it('type-checks a TypeScript file that uses each package against the packed declarations', async () => {
    await writeFile(
      join(project(), 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2023',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: ['node'],
        },
        files: ['check.ts'],
      }),
    );
    await writeFile(
      join(project(), 'check.ts'),
      `import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { KMSClient } from '@aws-sdk/client-kms';
import { RawAesKeyring, seal } from '@strongbox/envelope';
import { Kms } from '@strongbox/kms';
import { createJson11Handler } from '@strongbox/kms/http';
import { S3 } from '@strongbox/s3';
import { S3EncryptionClient } from '@strongbox/s3-encryption-client';
import { AuditTrail } from '@strongbox/service-kernel';
import { createStrongbox, type Strongbox, VERSION } from 'strongbox';

const sb: Strongbox = await createStrongbox({ region: 'eu-west-1' });
const s3 = new S3Client(sb.clientConfig);
const kms = new KMSClient(sb.clientConfig);
await s3.send(new CreateBucketCommand({ Bucket: 'typed' }));
const engine: S3 = sb.s3;
const emulator: Kms = sb.kms;
const keyring = new RawAesKeyring({ name: 'k', key: new Uint8Array(32) });
const sealed: Uint8Array = await seal(new Uint8Array([1]), { keyring });
const trail: AuditTrail = emulator.auditTrail;
const version: string = VERSION;
export const used = [kms, engine, sealed, trail, version, S3EncryptionClient, createJson11Handler];
// The types are the real ones: a Region must be a string.
// @ts-expect-error
await createStrongbox({ region: 42 });
await sb.close();
`,
    );
    const tsc = join(project(), 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project() }).catch((error: { stdout?: string }) => error);
    expect('stdout' in result ? result.stdout : '').toBe('');
  });

  it("runs the README's in-process quick start as written", async () => {
    await writeFile(
      join(project(), 'quick-start.mjs'),
      `import { KMSClient, CreateKeyCommand } from '@aws-sdk/client-kms';
import { S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { createStrongbox } from 'strongbox';

const sb = await createStrongbox();
const s3 = new S3Client(sb.clientConfig);
const kms = new KMSClient(sb.clientConfig);
await kms.send(new CreateKeyCommand({ Description: 'orders' }));
await s3.send(new CreateBucketCommand({ Bucket: 'reports' }));
await s3.send(new PutObjectCommand({ Bucket: 'reports', Key: 'q1.csv', Body: 'a,b\\n1,2\\n' }));
const { Body, ServerSideEncryption } = await s3.send(new GetObjectCommand({ Bucket: 'reports', Key: 'q1.csv' }));
console.log(JSON.stringify({ body: await Body.transformToString(), sse: ServerSideEncryption }));
const { url } = await sb.listen();
console.log(url);
await sb.close();
`,
    );
    const { stdout } = await run(process.execPath, ['quick-start.mjs'], { cwd: project() });
    const [result, url] = stdout.trim().split('\n');
    expect(JSON.parse(result ?? '')).toEqual({ body: 'a,b\n1,2\n', sse: 'AES256' });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('npx strongbox serve answers /_strongbox/health and stops on SIGTERM', async () => {
    // A terminal's Ctrl-C or `kill` of the job signals the whole process group: npx and the
    // strongbox it started. npx itself then ends by the signal; strongbox stops cleanly.
    const server = await serveFrom('npx', ['--no', 'strongbox', 'serve', '--port', '0'], project());
    try {
      await expectHealthy(server.url);
      process.kill(-server.child.pid!, 'SIGTERM');
      await server.exited;
      expect(server.stdout()).toContain('strongbox: SIGTERM received, stopping\n');
      expect(server.stderr()).toBe('');
    } finally {
      server.kill();
    }
  });

  it('the installed bin exits 0 after SIGTERM', async () => {
    const server = await serveFrom(join(project(), 'node_modules', '.bin', 'strongbox'), ['serve', '--port', '0', '--quiet'], project());
    try {
      await expectHealthy(server.url);
      server.child.kill('SIGTERM');
      expect(await server.exited).toEqual({ code: 0, signal: null });
      expect(server.stderr()).toBe('');
    } finally {
      server.kill();
    }
  });
});

/** Every string leaf of an exports map: the files it points at. */
function leaves(value: unknown): string[] {
  return typeof value === 'string' ? [value] : value && typeof value === 'object' ? Object.values(value).flatMap(leaves) : [];
}

async function expectHealthy(url: string): Promise<void> {
  const health = await fetch(`${url}/_strongbox/health`);
  expect(health.status).toBe(200);
  expect(((await health.json()) as { status: string }).status).toBe('ok');
}

/** Starts `command args` in a process group of its own and waits for the banner. */
async function serveFrom(
  command: string,
  args: readonly string[],
  cwd: string,
): Promise<{
  child: ChildProcess;
  url: string;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(): void;
}> {
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  const kill = (): void => {
    // Whatever is left of the group (a failed test must not leave a server behind).
    if (child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  };
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const found = /listening on (http:\/\/\S+)/.exec(stdout);
      if (found?.[1] !== undefined && stdout.includes('Stop with Ctrl-C.')) resolve(found[1]);
    });
    void exited.then((exit) => reject(new Error(`${command} serve ended (${exit.code}) before listening:\n${stdout}${stderr}`)));
  }).catch((error: unknown) => {
    kill();
    throw error;
  });
  return { child, url, stdout: () => stdout, stderr: () => stderr, exited, kill };
}
