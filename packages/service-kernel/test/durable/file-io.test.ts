import type { FileHandle } from 'node:fs/promises';
import { mkdtemp, open, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isOutOfSpace, nodeFileIo, writeAll } from '../../src/index.ts';

describe('writeAll', () => {
  it('keeps writing until every byte is written when the file system takes fewer at a time', async () => {
    const written: number[] = [];
    // A handle that accepts at most 3 bytes per write, as a short write(2) may.
    const handle = {
      async write(bytes: Uint8Array, offset: number, length: number) {
        const taken = Math.min(3, length);
        written.push(...bytes.subarray(offset, offset + taken));
        return { bytesWritten: taken, buffer: bytes };
      },
    } as unknown as FileHandle;
    const bytes = Uint8Array.from({ length: 10 }, (_, i) => i);
    await writeAll(handle, bytes);
    expect(written).toEqual([...bytes]);
  });
});

describe('nodeFileIo', () => {
  it('writes, syncs and truncates a real file', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'kernel-io-')), 'file');
    const handle = await open(path, 'w');
    try {
      await nodeFileIo.write(handle, new TextEncoder().encode('hello world'));
      await nodeFileIo.sync(handle);
      await nodeFileIo.truncate!(handle, 5);
    } finally {
      await handle.close();
    }
    expect(await readFile(path, 'utf8')).toBe('hello');
  });
});

describe('isOutOfSpace', () => {
  it('is true for a full disk or quota and false for other failures', () => {
    expect(isOutOfSpace(Object.assign(new Error('full'), { code: 'ENOSPC' }))).toBe(true);
    expect(isOutOfSpace(Object.assign(new Error('quota'), { code: 'EDQUOT' }))).toBe(true);
    expect(isOutOfSpace(Object.assign(new Error('io'), { code: 'EIO' }))).toBe(false);
    expect(isOutOfSpace(new Error('no code'))).toBe(false);
    expect(isOutOfSpace(null)).toBe(false);
    expect(isOutOfSpace(undefined)).toBe(false);
  });
});
