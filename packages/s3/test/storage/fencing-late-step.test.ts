/**
 * Fencing, the step no lease check can stop (review V1): a write of a holder paused after its
 * lease check and before its step, whose directory another store takes over meanwhile. When the
 * paused holder resumes, its step must land nowhere: the new holder renamed the generation
 * directory every path of the old one goes through. Without that, a late manifest naming a blob
 * the new holder removed as an orphan made the directory refuse to open, and a late DeleteBucket
 * removed what the new holder had put in the bucket. The pause is injected: the old holder's
 * `open` of its temporary manifest, or its `rename` of the bucket directory, waits until the new
 * holder has acknowledged its own write. Both stores live in this process (the second open stands
 * for another process and takes the lock over, as in fencing.test.ts; Linux only).
 */

import { __TESTS } from '@strongbox/service-kernel';
import { describe, expect, it, vi } from 'vitest';
import { type ObjectStore, openFileSystemObjectStore } from '../../src/index.ts';
import { catchS3Async } from '../helpers/errors.ts';
import { tempDirectory } from '../helpers/temp.ts';

/** The paused step: the next `open` or `rename` whose (first) path matches waits for `resume`. */
const pause: { matches: ((call: 'open' | 'rename', path: string) => boolean) | undefined; reached: () => void; resume: Promise<void> } = {
  matches: undefined,
  reached: () => undefined,
  resume: Promise.resolve(),
};

vi.mock('node:fs/promises', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:fs/promises')>();
  const held = async (call: 'open' | 'rename', path: unknown): Promise<void> => {
    if (pause.matches?.(call, String(path)) !== true) return;
    pause.matches = undefined;
    pause.reached();
    await pause.resume;
  };
  const open = (async (path: Parameters<typeof original.open>[0], ...rest: unknown[]) => {
    await held('open', path);
    return (original.open as (...args: unknown[]) => unknown)(path, ...rest);
  }) as typeof original.open;
  const rename = (async (from: Parameters<typeof original.rename>[0], to: Parameters<typeof original.rename>[1]) => {
    await held('rename', from);
    return original.rename(from, to);
  }) as typeof original.rename;
  return { ...original, open, rename, default: { ...original, open, rename } };
});

/** Arms the pause; resolves once the step reached it, with the function that lets it go on. */
function armPause(matches: (call: 'open' | 'rename', path: string) => boolean): Promise<() => void> {
  let resume!: () => void;
  pause.resume = new Promise((resolve) => (resume = resolve));
  return new Promise((reached) => {
    pause.reached = () => reached(resume);
    pause.matches = matches;
  });
}

async function read(store: ObjectStore, bucket: string, key: string): Promise<string> {
  const reader = await store.openObject(bucket, key);
  if (reader === undefined) throw new Error(`no object ${key}`);
  try {
    return new TextDecoder().decode(await reader.read(0, reader.info.size));
  } finally {
    await reader.close();
  }
}

const text = (value: string): Uint8Array[] => [new TextEncoder().encode(value)];

async function takeOver(directory: string): Promise<ObjectStore> {
  await __TESTS.asAnotherProcess(directory);
  return openFileSystemObjectStore({ directory });
}

describe.skipIf(process.platform !== 'linux')('a step of a holder paused past its lease, resumed after a takeover', () => {
  it('a late manifest lands nowhere: the directory opens with what the new holder acknowledged', async () => {
    const directory = tempDirectory('late-manifest');
    const a = await openFileSystemObjectStore({ directory });
    await a.createBucket('b', {});
    // A's PUT streams its blob, passes the lease check, and pauses before its temporary manifest.
    const paused = armPause((call, path) => call === 'open' && path.includes('/objects/') && path.includes('.tmp-'));
    const late = catchS3Async(() => a.putObject('b', 'k', text('v_A, never acknowledged'), {}));
    const resume = await paused;

    const b = await takeOver(directory);
    await b.putObject('b', 'k', text('v_B, acknowledged'), {});
    resume();
    // The late step failed (its generation directory was renamed away); the lease check after it
    // says why.
    expect(await late).toMatchObject({ code: 'InternalError', status: 500, message: expect.stringContaining('was taken over') });
    expect(await read(b, 'b', 'k')).toBe('v_B, acknowledged');
    await a.close();
    await b.close();

    const reopened = await openFileSystemObjectStore({ directory });
    expect(await read(reopened, 'b', 'k')).toBe('v_B, acknowledged');
    await reopened.close();
  });

  it('a late DeleteBucket removes nothing of what the new holder put in the bucket', async () => {
    const directory = tempDirectory('late-delete-bucket');
    const a = await openFileSystemObjectStore({ directory });
    await a.createBucket('b', {});
    // Empty in A's view: A's DeleteBucket passes its lease check, and pauses before its rename.
    const paused = armPause((call, path) => call === 'rename' && path.endsWith(`/b-${Buffer.from('b').toString('hex')}`));
    const late = a.deleteBucket('b').then(
      () => undefined,
      (error: unknown) => error,
    );
    const resume = await paused;

    const b = await takeOver(directory);
    await b.putObject('b', 'k', text('acknowledged by B'), {});
    resume();
    // The bucket directory A would rename away is no longer where A looks; the lease check after
    // the failed step says why.
    expect(await late).toMatchObject({ code: 'InternalError', status: 500, message: expect.stringContaining('was taken over') });
    await a.close();
    await b.close();

    const reopened = await openFileSystemObjectStore({ directory });
    expect(await read(reopened, 'b', 'k')).toBe('acknowledged by B');
    await reopened.close();
  });
});
