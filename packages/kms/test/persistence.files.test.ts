/**
 * `isDirectoryStoreFile` names every entry the directory store writes (so a reset can remove
 * exactly those) and nothing else (so a file someone else put in the directory is left alone).
 */

import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { isDirectoryStoreFile, Kms, ManualClock, openDirectoryStore } from '../src/index.ts';
import { tempDirectory } from './fixtures/persistence.ts';

describe('isDirectoryStoreFile', () => {
  it('claims every file a working store leaves in its directory (root.key, lock, snapshot, journal, audit)', async () => {
    const directory = await tempDirectory();
    const store = await openDirectoryStore({ directory, snapshotThresholdBytes: 1 });
    const kms = new Kms({ store, clock: new ManualClock(Date.UTC(2026, 0, 1)), quotas: false });
    for (let i = 0; i < 3; i += 1) await kms.createKey({ Description: `key ${i}` });
    const entries = await readdir(directory);
    expect(entries).toEqual(expect.arrayContaining(['root.key', 'lock']));
    expect(entries.some((name) => name.startsWith('journal-'))).toBe(true);
    expect(entries.filter((name) => !isDirectoryStoreFile(name))).toEqual([]);
    await kms.close();
  });

  it.each([
    ['snapshot-00000002.sbx', true],
    ['snapshot-00000002.sbx.tmp', true],
    ['journal-00000001.sbx', true],
    ['audit-00000003.sbx', true],
    ['root.key', true],
    ['root.key.tmp', true],
    ['lock', true],
    ['package.json', false],
    ['notes.txt', false],
    ['s3', false],
    ['journal.sbx', false],
    ['root.key.bak', false],
    ['locked', false],
  ])('%s → %s', (name, expected) => {
    expect(isDirectoryStoreFile(name)).toBe(expected);
  });
});
