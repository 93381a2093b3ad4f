/**
 * SIGKILL during writes: a child (test/fixtures/crash-writer.ts) writes to a data directory and
 * prints each write only after the store acknowledged it; the parent kills it with SIGKILL at a
 * random moment, several rounds on one directory, and after each kill reopens the directory and
 * checks that every acknowledged write is there and intact, that every visible object is whole
 * (no half object), and that opening removed every leftover. Multipart: every acknowledged part
 * of an upload in progress survives intact (the newest acknowledged version of a replaced one, or
 * a newer one), a completed or aborted upload never comes back, every upload still listed holds
 * whole parts, and no blob survives that no object or part names (replaced, stray and aborted
 * parts are gone). Rounds: $S3_CRASH_ITERATIONS (default 3, to keep CI short; raise it locally to
 * hunt for rare interleavings).
 */

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ObjectStore, openFileSystemObjectStore } from '../../src/index.ts';
import { checkCrashBody } from '../helpers/crash-bodies.ts';
import { expectObjectWrites, type KeyState, readWhole, recordObjectWrites, runWriterAndKill } from '../helpers/crash-run.ts';
import { tempDirectory } from '../helpers/temp.ts';

const ROUNDS = Math.max(1, Number.parseInt(process.env['S3_CRASH_ITERATIONS'] ?? '3', 10) || 3);
// A round spawns a writer, lets it run up to 0.7 s, then reopens and checks the directory: a few
// seconds on a loaded machine, so the time allowed grows with the rounds asked for.

/** What was acknowledged of an upload: its last state and the last version of each part. */
interface UploadState {
  key: string;
  state: 'open' | 'completed' | 'aborting' | 'aborted';
  parts: Map<number, number>;
}

describe('filesystem store: SIGKILL during writes', () => {
  it(
    `loses no acknowledged write and shows no half object (${ROUNDS} rounds)`,
    async () => {
      const directory = tempDirectory('crash');
      /** key → the last acknowledged state. */
      const expected = new Map<string, KeyState>();
      /** upload id → what was acknowledged of it. */
      const uploads = new Map<string, UploadState>();
      const log: string[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const delayMs = 100 + Math.floor(Math.random() * 600);
        const lines = await runWriterAndKill([directory, `r${round}`], delayMs);
        for (const line of lines) {
          if (line.op === 'upload') {
            const upload = uploads.get(line.uploadId) ?? { key: line.key, state: line.state, parts: new Map() };
            upload.state = line.state;
            uploads.set(line.uploadId, upload);
            continue;
          }
          if (line.op === 'part') uploads.get(line.uploadId)?.parts.set(line.partNumber, line.version);
        }
        recordObjectWrites(expected, lines);
        log.push(`round ${round}: killed after ${delayMs} ms, ${lines.filter((line) => line.op !== 'deleting').length} writes acknowledged`);

        const store = await openFileSystemObjectStore({ directory });
        try {
          await expectObjectWrites(store, expected, log);
          const listed = await store.listObjects('crash', { maxKeys: 1000 });
          for (const object of listed.objects) {
            const body = await readWhole(store, object.key);
            expect(checkCrashBody(body!), `visible object ${object.key} is whole`).toMatchObject({ key: object.key });
          }
          await checkUploads(store, uploads, log);
          const leftovers = (await readdir(directory, { recursive: true })).filter((name) => String(name).includes('.tmp-'));
          expect(leftovers).toEqual([]);
          await checkEveryBlobIsNamed(directory);
        } finally {
          await store.close();
        }
      }
      // The test is only meaningful if writes were acknowledged at all.
      expect(expected.size, log.join('; ')).toBeGreaterThan(0);
      expect(uploads.size, log.join('; ')).toBeGreaterThan(0);
    },
    Math.max(120_000, ROUNDS * 10_000),
  );
});

async function readPart(store: ObjectStore, uploadId: string, partNumber: number): Promise<Uint8Array | undefined> {
  const reader = await store.openPart('crash', uploadId, partNumber);
  if (reader === undefined) return undefined;
  try {
    return await reader.read(0, reader.info.size);
  } finally {
    await reader.close();
  }
}

/** Acknowledged uploads are as acknowledged; every open-* upload listed holds whole parts. */
async function checkUploads(store: ObjectStore, uploads: ReadonlyMap<string, UploadState>, log: readonly string[]): Promise<void> {
  for (const [uploadId, upload] of uploads) {
    const found = await store.getUpload('crash', uploadId);
    if (upload.state === 'completed' || upload.state === 'aborted') {
      expect(found, `${upload.state} upload ${uploadId} (${upload.key}) came back (${log.join('; ')})`).toBeUndefined();
      continue;
    }
    // An abort in flight at the kill: gone or whole, both are correct.
    if (upload.state === 'aborting' && found === undefined) continue;
    expect(found, `open upload ${uploadId} was acknowledged (${log.join('; ')})`).toBeDefined();
    for (const [partNumber, version] of upload.parts) {
      const body = await readPart(store, uploadId, partNumber);
      expect(body, `part ${partNumber} of ${uploadId} was acknowledged`).toBeDefined();
      const parsed = checkCrashBody(body!);
      expect(parsed, `part ${partNumber} of ${uploadId} is intact`).toBeDefined();
      expect(parsed!.key).toBe(`${upload.key}#${partNumber}`);
      expect(parsed!.version).toBeGreaterThanOrEqual(version);
    }
  }
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (;;) {
    const page = await store.listUploads('crash', { maxUploads: 1000, keyMarker, uploadIdMarker });
    // Parts of the open-* uploads are self-describing (the others are slices of an object's body).
    for (const listed of page.uploads.filter((candidate) => candidate.key.includes('/open-'))) {
      for (const part of (await store.listParts('crash', listed.uploadId, { maxParts: 1000 })).parts) {
        const parsed = checkCrashBody((await readPart(store, listed.uploadId, part.partNumber))!);
        expect(parsed, `part ${part.partNumber} of listed upload ${listed.uploadId} is whole`).toBeDefined();
      }
    }
    if (!page.isTruncated) break;
    keyMarker = page.nextKeyMarker;
    uploadIdMarker = page.nextUploadIdMarker;
  }
}

/** Every blob file is named by an object or part manifest: nothing replaced, stray or aborted lingers. */
async function checkEveryBlobIsNamed(directory: string): Promise<void> {
  const files = (await readdir(directory, { recursive: true })).map(String);
  const bucket = files.find((name) => /^gen-\d{8}\/b-[0-9a-f]+$/.test(name));
  if (bucket === undefined) return;
  const named = new Set<string>();
  for (const name of files.filter((file) => file.startsWith(`${bucket}/`) && file.endsWith('.json'))) {
    const manifest = JSON.parse(await readFile(join(directory, name), 'utf8')) as { blobId?: string; segments?: { blobId: string }[] };
    if (manifest.blobId !== undefined) named.add(manifest.blobId);
    for (const segment of manifest.segments ?? []) named.add(segment.blobId);
  }
  const blobs = files.filter((file) => file.startsWith(`${bucket}/blobs/`)).map((file) => file.slice(`${bucket}/blobs/`.length));
  expect(blobs.filter((blob) => !named.has(blob))).toEqual([]);
  expect([...named].filter((blob) => !blobs.includes(blob))).toEqual([]);
}
