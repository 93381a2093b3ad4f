/**
 * A group commit bigger than one journal record (over 8 MiB of JSON) is split between commits
 * into several records, and each is written and fdatasync'd before the next one's write starts:
 * with one write for all of them, a power loss could keep a later record but not an earlier one,
 * which recovery must refuse as damage (a bad record followed by a valid one).
 */

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDirectoryStore } from '../src/index.ts';
import { type FileIo, nodeFileIo } from '../src/persistence/files.ts';
import { RECORD_HEADER_LENGTH, scanRecords } from '../src/persistence/record-file.ts';
import { ROOT_KEY, tempDirectory } from './fixtures/persistence.ts';

const JOURNAL = 'journal-00000001.sbx';
const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const alias = (aliasName: string) => ({
  account: ACCOUNT,
  region: REGION,
  aliasName,
  targetKeyId: '0e5a7c43-5a1f-4b43-9e5c-0d1f0f6a7b11',
  creationDate: 0,
  lastUpdatedDate: 0,
});

describe('a batch split into several records', () => {
  it('writes and fdatasyncs each record before writing the next', async () => {
    const directory = await tempDirectory();
    const calls: string[] = [];
    const io: FileIo = {
      write: async (handle, bytes) => (calls.push(`write ${bytes.length}`), nodeFileIo.write(handle, bytes)),
      sync: async (handle) => (calls.push('sync'), nodeFileIo.sync(handle)),
    };
    const store = await openDirectoryStore({ directory, rootKey: ROOT_KEY, io });
    calls.length = 0;
    // Same tick, so one batch: the first commit alone passes the 8 MiB split point, so the second
    // lands in a record of its own.
    const big = `alias/${'b'.repeat(9 * 1024 * 1024)}`;
    await Promise.all([store.commit([{ type: 'putAlias', alias: alias(big) }]), store.commit([{ type: 'putAlias', alias: alias('alias/small') }])]);
    await store.close();

    const { payloads, validLength } = scanRecords(await readFile(join(directory, JOURNAL)), JOURNAL);
    expect(payloads).toHaveLength(2);
    const sizes = payloads.map((payload) => RECORD_HEADER_LENGTH + payload.length);
    expect(calls).toEqual([`write ${sizes[0]}`, 'sync', `write ${sizes[1]}`, 'sync']);
    expect(validLength).toBe(sizes[0]! + sizes[1]!);

    const reopened = await openDirectoryStore({ directory, rootKey: ROOT_KEY });
    expect(reopened.state.aliases(ACCOUNT, REGION).map((entry) => entry.aliasName.length)).toEqual(expect.arrayContaining([big.length, 'alias/small'.length]));
    await reopened.close();
  }, 60_000);
});
