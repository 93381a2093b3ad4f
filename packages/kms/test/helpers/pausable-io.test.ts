/**
 * The pausable file layer of the fencing tests holds the step each gate was armed for, also when
 * two gates of one step are armed and another call takes the first while the first's (async)
 * `matches` is still deciding about this call.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { pausableIo } from './pausable-io.ts';

it('a call goes on to the next armed gate when the one it was matching is taken meanwhile', async () => {
  const root = await mkdtemp(join(tmpdir(), 'pausable-io-'));
  try {
    const first = join(root, 'first');
    const second = root;
    const { io, hold } = pausableIo();
    let answerFirst!: () => void;
    const firstAnswered = new Promise<void>((resolve) => (answerFirst = resolve));
    // Gate A takes `second`; about `first` it answers no, but only once told to.
    const a = hold('syncDirectory', async (subject) => {
      if (subject === first) {
        await firstAnswered;
        return false;
      }
      return subject === second;
    });
    // Gate B takes `first`.
    const b = hold('syncDirectory', (subject) => subject === first);

    // The call on `first` asks A, which has not answered yet...
    const onFirst = io.syncDirectory!(first).catch(() => {});
    // ...while the call on `second` takes A.
    const onSecond = io.syncDirectory!(second);
    await a.reached;
    answerFirst();

    // The call on `first` then asks B, and is held there rather than let through.
    const outcome = await Promise.race([b.reached.then(() => 'held' as const), onFirst.then(() => 'let through' as const)]);
    expect(outcome).toBe('held');
    a.open();
    b.open();
    await Promise.all([onFirst, onSecond]);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
