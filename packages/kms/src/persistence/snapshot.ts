/**
 * @module
 * Writing a snapshot: the whole state, as the changes that rebuild it, in a header record, slices
 * of about 256 KiB of changes, and an end record counting the records before it. It is written to
 * `snapshot-<gen>.sbx.tmp`, fsynced, renamed into place and the directory fsynced (the service kernel's `replaceFileWith`), so a snapshot
 * under its final name is always complete; a crash at any earlier step leaves only a temporary
 * file that recovery deletes.
 */

import { replaceFileWith } from '@strongbox/service-kernel';
import type { Change } from '../model/state.ts';
import { changesJson, encodeChange, endJson, headerJson, type RecordSealer } from './codec.ts';
import { type FileIo, snapshotName } from './files.ts';

/** JSON text per snapshot record before a new record starts. */
const SLICE_CHARACTERS = 256 * 1024;

/**
 * Writes `changes` as the snapshot of `generation`.
 * @returns the snapshot's size in bytes.
 * @throws ServiceError `NOT_DURABLE` when the directory fsync after the rename fails: the snapshot is then in
 *   place (a crash may or may not keep it); otherwise whatever the file system throws, and the
 *   snapshot is then not in place (and its temporary file is removed).
 */
export async function writeSnapshot(directory: string, generation: number, changes: readonly Change[], sealer: RecordSealer, io: FileIo): Promise<number> {
  const name = snapshotName(generation);
  let bytes = 0;
  let sequence = 0;
  // A failed write (a full disk) removes the temporary file, so the store carries on without it.
  await replaceFileWith(
    directory,
    name,
    async (handle) => {
      const emit = async (json: string): Promise<void> => {
        const record = await sealer.sealRecord(json, { kind: 'snapshot', generation, sequence: sequence++ });
        await io.write(handle, record);
        bytes += record.length;
      };
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
    },
    { io, temporaryName: `${name}.tmp` },
  );
  return bytes;
}
