/**
 * @module
 * Writing a snapshot: the whole state, as the changes that rebuild it, in a header record, slices
 * of about 256 KiB of changes, and an end record counting the records before it. It is written to
 * `snapshot-<gen>.sbx.tmp`, fsynced, renamed into place and the directory fsynced, so a snapshot
 * under its final name is always complete; a crash at any earlier step leaves only a temporary
 * file that recovery deletes.
 */

import { open, rename, unlink } from 'node:fs/promises';
import type { Change } from '../model/state.ts';
import { changesJson, encodeChange, endJson, headerJson, type RecordSealer } from './codec.ts';
import { pathIn, snapshotName, syncDirectory, type FileIo } from './files.ts';

/** JSON text per snapshot record before a new record starts. */
const SLICE_CHARACTERS = 256 * 1024;

/**
 * Writes `changes` as the snapshot of `generation`.
 * @returns the snapshot's size in bytes.
 * @throws whatever the file system throws; the snapshot is then not in place (and a temporary file
 *   that failed before its rename is removed).
 */
export async function writeSnapshot(directory: string, generation: number, changes: readonly Change[], sealer: RecordSealer, io: FileIo): Promise<number> {
  const final = pathIn(directory, snapshotName(generation));
  const temporary = `${final}.tmp`;
  const handle = await open(temporary, 'w', 0o600);
  let bytes = 0;
  let sequence = 0;
  const emit = async (json: string): Promise<void> => {
    const record = await sealer.sealRecord(json, { kind: 'snapshot', generation, sequence: sequence++ });
    await io.write(handle, record);
    bytes += record.length;
  };
  try {
    await emit(headerJson(generation));
    let slice: string[] = [];
    let characters = 0;
    for (const change of changes) {
      const json = encodeChange(change);
      slice.push(json);
      characters += json.length;
      if (characters >= SLICE_CHARACTERS) {
        await emit(changesJson(slice));
        slice = [];
        characters = 0;
      }
    }
    if (slice.length > 0) await emit(changesJson(slice));
    await emit(endJson(sequence));
    await io.sync(handle);
  } catch (error) {
    await handle.close().catch(() => undefined);
    // A full disk must get its space back: the store carries on without this snapshot.
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  await handle.close();
  await rename(temporary, final);
  await syncDirectory(directory);
  return bytes;
}
