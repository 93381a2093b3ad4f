/**
 * The root key and the directory lock: `root.key` is created with mode 0600 and refused when
 * group or others can read it; a directory sealed under one key refuses to open under another;
 * `STRONGBOX_ROOT_KEY` works; one process per directory.
 */

import { chmod, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { acquireDirectoryLock } from '@strongbox/service-kernel';
import { afterEach, describe, expect, it } from 'vitest';
import { KmsError, ManualClock, openDirectoryStore, ROOT_KEY_ENV } from '../src/index.ts';
import { openKms, ROOT_KEY, tempDirectory } from './fixtures/persistence.ts';

const OTHER_KEY = new Uint8Array(32).fill(9);
const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const posix = process.platform !== 'win32';

afterEach(() => {
  delete process.env[ROOT_KEY_ENV];
});

async function failureOf(promise: Promise<unknown>): Promise<KmsError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KmsError);
  return error as KmsError;
}

describe('root.key', () => {
  it.runIf(posix)('is created on first start with mode 0600, as base64 text, in a directory created with mode 0700', async () => {
    const directory = join(await tempDirectory(), 'nested', 'data');
    const store = await openDirectoryStore({ directory });
    expect(store.rootKeySource).toBe('created');
    await store.close();
    expect((await stat(join(directory, 'root.key'))).mode & 0o777).toBe(0o600);
    expect((await stat(directory)).mode & 0o777).toBe(0o700);
    expect(await readFile(join(directory, 'root.key'), 'utf8')).toMatch(/^[A-Za-z0-9+/]{43}=\n$/);
    for (const name of await readdir(directory)) if (name.endsWith('.sbx')) expect((await stat(join(directory, name))).mode & 0o777).toBe(0o600);
  });

  it('is used on the next start, and keeps the state readable', async () => {
    const directory = await tempDirectory();
    const first = await openDirectoryStore({ directory });
    await first.commit([{ type: 'deleteKey', keyId: 'none' }]);
    await first.close();
    const second = await openDirectoryStore({ directory });
    expect(second.rootKeySource).toBe('file');
    await second.close();
    // The same text works as STRONGBOX_ROOT_KEY.
    process.env[ROOT_KEY_ENV] = (await readFile(join(directory, 'root.key'), 'utf8')).trim();
    await rm(join(directory, 'root.key'));
    const third = await openDirectoryStore({ directory });
    expect(third.rootKeySource).toBe('environment');
    await third.close();
  });

  it.runIf(posix)('is refused when group or others can read it', async () => {
    const directory = await tempDirectory();
    await (await openDirectoryStore({ directory })).close();
    const path = join(directory, 'root.key');
    await chmod(path, 0o644);
    const failure = await failureOf(openDirectoryStore({ directory }));
    expect(failure.code).toBe('INSECURE_ROOT_KEY');
    expect(failure.message).toBe(`${path} has mode 0644; a root key must not be accessible to group or others. Run \`chmod 600 ${path}\` and start again.`);
    await chmod(path, 0o600);
    await (await openDirectoryStore({ directory })).close();
  });

  it('is never re-created for a directory that holds state', async () => {
    const directory = await tempDirectory();
    await (await openDirectoryStore({ directory })).close();
    await rm(join(directory, 'root.key'));
    const failure = await failureOf(openDirectoryStore({ directory }));
    expect(failure.code).toBe('MISSING_ROOT_KEY');
    expect(failure.message).toBe(
      `The data directory ${directory} holds files sealed under a root key (snapshots, journals or audit files) but ${join(directory, 'root.key')} is missing; pass the root key it was sealed with (the rootKey option or STRONGBOX_ROOT_KEY) or restore root.key.`,
    );
    expect(await readdir(directory)).not.toContain('root.key');
  });

  it('is refused when it is not the base64 of 32 bytes', async () => {
    const directory = await tempDirectory();
    await writeFile(join(directory, 'root.key'), 'c2hvcnQ=\n', { mode: 0o600 });
    const failure = await failureOf(openDirectoryStore({ directory }));
    expect(failure.code).toBe('INVALID_ROOT_KEY');
    expect(failure.message).toBe(
      `${join(directory, 'root.key')} must hold the base64 encoding of 32 bytes (44 characters, as printed by \`openssl rand -base64 32\`); it holds 8 characters that are not.`,
    );
  });
});

describe('a different root key', () => {
  it('refuses to open the directory instead of starting empty', async () => {
    const directory = await tempDirectory();
    const { kms } = await openKms(directory, new ManualClock());
    await kms.createKey({});
    await kms.close();
    const failure = await failureOf(openDirectoryStore({ directory, rootKey: OTHER_KEY }));
    expect(failure.code).toBe('WRONG_ROOT_KEY');
    expect(failure.message).toBe(
      `The data directory ${directory} holds state sealed under a different root key; start with the root key it was created with, or with an empty directory.`,
    );
    // Nothing was changed: the right key still opens it, with the key inside.
    const reopened = await openDirectoryStore({ directory, rootKey: ROOT_KEY });
    expect([...reopened.state.keys()]).toHaveLength(1);
    await reopened.close();
  });

  it('is detected even in a directory that holds no keys yet', async () => {
    const directory = await tempDirectory();
    await (await openDirectoryStore({ directory, rootKey: ROOT_KEY })).close();
    expect((await failureOf(openDirectoryStore({ directory, rootKey: OTHER_KEY }))).code).toBe('WRONG_ROOT_KEY');
  });

  it('is rejected when the option is not 32 bytes', async () => {
    const failure = await failureOf(openDirectoryStore({ directory: await tempDirectory(), rootKey: new Uint8Array(16) }));
    expect(failure).toMatchObject({ code: 'INVALID_ROOT_KEY', message: '"rootKey" expected a Uint8Array of length 32, got length=16' });
  });
});

describe('STRONGBOX_ROOT_KEY', () => {
  it('seals the directory without writing root.key, and takes precedence over it', async () => {
    const directory = await tempDirectory();
    process.env[ROOT_KEY_ENV] = base64(OTHER_KEY);
    const store = await openDirectoryStore({ directory });
    expect(store.rootKeySource).toBe('environment');
    await store.commit([{ type: 'deleteKey', keyId: 'none' }]);
    await store.close();
    expect(await readdir(directory)).not.toContain('root.key');
    // The same key given as an option opens it; another key in the variable does not.
    await (await openDirectoryStore({ directory, rootKey: OTHER_KEY })).close();
    process.env[ROOT_KEY_ENV] = base64(ROOT_KEY);
    expect((await failureOf(openDirectoryStore({ directory }))).code).toBe('WRONG_ROOT_KEY');
    delete process.env[ROOT_KEY_ENV];
    expect((await failureOf(openDirectoryStore({ directory }))).code).toBe('MISSING_ROOT_KEY');
  });

  it('is refused when malformed, without echoing it', async () => {
    process.env[ROOT_KEY_ENV] = 'not-a-key';
    const failure = await failureOf(openDirectoryStore({ directory: await tempDirectory() }));
    expect(failure).toMatchObject({
      code: 'INVALID_ROOT_KEY',
      message:
        'STRONGBOX_ROOT_KEY must hold the base64 encoding of 32 bytes (44 characters, as printed by `openssl rand -base64 32`); it holds 9 characters that are not.',
    });
  });
});

describe('directory lock', () => {
  it('refuses a second open while the first is open, and allows it after close', async () => {
    const directory = await tempDirectory();
    const first = await openDirectoryStore({ directory, rootKey: ROOT_KEY });
    const failure = await failureOf(openDirectoryStore({ directory, rootKey: ROOT_KEY }));
    expect(failure.code).toBe('LOCKED');
    expect(failure.message).toBe(
      `The data directory ${directory} is in use by this process (close the other store first). If no such process uses it, delete ${join(directory, 'lock')}.`,
    );
    await first.close();
    await (await openDirectoryStore({ directory, rootKey: ROOT_KEY })).close();
  });

  it('takes over a lock left by a process that no longer runs', async () => {
    const directory = await tempDirectory();
    await (await openDirectoryStore({ directory, rootKey: ROOT_KEY })).close();
    // Pid 2^22 + 1 is above Linux's pid_max ceiling, so no process has it. The lock names its
    // writer's pid, host and PID namespace (this machine's, as a killed server here leaves it).
    const scratch = await tempDirectory();
    const release = await acquireDirectoryLock(scratch, 'lock');
    const ours = await readFile(join(scratch, 'lock'), 'utf8');
    await release();
    await writeFile(join(directory, 'lock'), ours.replace(/^\d+/, String(2 ** 22 + 1)));
    const store = await openDirectoryStore({ directory, rootKey: ROOT_KEY });
    // This process's lock, with the epoch after the one taken over.
    expect(await readFile(join(directory, 'lock'), 'utf8')).toBe(ours.replace(/\n1\n$/, '\n2\n'));
    await store.close();
  });

  it('releases the lock when opening fails', async () => {
    const directory = await tempDirectory();
    await (await openDirectoryStore({ directory, rootKey: ROOT_KEY })).close();
    await failureOf(openDirectoryStore({ directory, rootKey: OTHER_KEY }));
    expect(await readdir(directory)).not.toContain('lock');
  });
});
