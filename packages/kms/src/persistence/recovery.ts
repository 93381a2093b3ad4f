/**
 * @module
 * Rebuilding the state from a data directory after a clean stop or a crash at any point.
 *
 * Invariants the writer keeps (see `journal.ts`): generation G's state is
 * `snapshot-G` followed by `journal-G`; `snapshot-G` appears under its final name only once
 * complete and durable; `journal-G` is created only after that; older generations are deleted
 * only after that. So the newest snapshot is the base, its journal the only one to replay, and
 * everything older (or a `.tmp` of an interrupted snapshot) is garbage left by a crash between two
 * steps. A torn record at the end of the journal was never acknowledged: it is cut off. Anything
 * else unreadable is refused with a `KmsError` `CORRUPT` rather than silently dropped.
 */

import { readFile } from 'node:fs/promises';
import { EnvelopeError } from '@strongbox/envelope';
import { KmsError } from '../errors.ts';
import { KmsState } from '../model/state.ts';
import type { FileKind, Payload, RecordSealer } from './codec.ts';
import { type DataFiles, type FileIo, journalName, nodeFileIo, pathIn, snapshotName, syncDirectory, unlessLeaseLost } from './files.ts';
import { scanRecords } from './record-file.ts';

/** The recovered state and where the journal continues. */
export interface Recovered {
  readonly state: KmsState;
  readonly generation: number;
  /** Records in the journal (the next record's sequence number). */
  readonly journalRecords: number;
  /** Bytes in the journal's valid prefix (where appends continue). */
  readonly journalBytes: number;
  /** Size of the snapshot the state was built from. */
  readonly snapshotBytes: number;
}

/**
 * Rebuilds the state from the newest snapshot and its journal, cuts a torn journal tail off and
 * deletes what earlier generations and interrupted snapshots left. The cut and the deletions go
 * through `io` (the store's fenced one): an opener paused past its lease after listing the
 * directory must not truncate or delete by a listing that is stale by then (a snapshot temporary
 * has a fixed name, which the new holder may be writing under).
 * @throws KmsError WRONG_ROOT_KEY when the snapshot does not open under the root key; CORRUPT for
 *   damage that a crash cannot cause; what `io` throws (`LEASE_LOST`).
 * @example const recovered = await recover(directory, classifyFiles(await readdir(directory)), sealer, io);
 */
export async function recover(directory: string, files: DataFiles, sealer: RecordSealer, io: FileIo = nodeFileIo): Promise<Recovered> {
  const generation = files.snapshots.at(-1);
  if (generation === undefined) {
    throw new KmsError(
      'CORRUPT',
      `The data directory ${directory} has journals (${files.journals.map(journalName).join(', ')}) but no snapshot; it was not written by this store or was damaged.`,
    );
  }
  const state = new KmsState();
  const snapshotBytes = await replaySnapshot(directory, generation, sealer, state);
  const journal = await replayJournal(directory, generation, sealer, state, io);
  await removeLeftovers(directory, files, generation, io);
  return { state, generation, journalRecords: journal.records, journalBytes: journal.bytes, snapshotBytes };
}

async function replaySnapshot(directory: string, generation: number, sealer: RecordSealer, state: KmsState): Promise<number> {
  const name = snapshotName(generation);
  const bytes = await readFile(pathIn(directory, name));
  const { payloads, validLength } = scanRecords(bytes, pathIn(directory, name));
  const records: Payload[] = [];
  for (const [sequence, sealed] of payloads.entries()) {
    records.push(await openRecord(directory, name, sealer, sealed, 'snapshot', generation, sequence));
  }
  const header = records[0];
  const end = records.at(-1);
  const complete = header?.t === 'header' && header.generation === generation && end?.t === 'end' && end.records === records.length - 1;
  if (!complete || validLength !== bytes.length) {
    throw new KmsError('CORRUPT', `The snapshot ${pathIn(directory, name)} is incomplete or damaged.`);
  }
  for (const record of records) if (record.t === 'changes') for (const change of record.changes) state.apply(change);
  return bytes.length;
}

async function replayJournal(
  directory: string,
  generation: number,
  sealer: RecordSealer,
  state: KmsState,
  io: FileIo,
): Promise<{ records: number; bytes: number }> {
  const name = journalName(generation);
  const path = pathIn(directory, name);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: 0, bytes: 0 };
    throw error;
  }
  const { payloads, validLength } = scanRecords(bytes, path);
  for (const [sequence, sealed] of payloads.entries()) {
    const record = await openRecord(directory, name, sealer, sealed, 'journal', generation, sequence);
    if (record.t !== 'changes') throw new KmsError('CORRUPT', `The journal ${path} holds a ${record.t} record.`);
    for (const change of record.changes) state.apply(change);
  }
  if (validLength < bytes.length) {
    // A torn tail: the write a crash interrupted. Its commit never resolved, so nothing
    // acknowledged is lost; cut it off so the next append follows the last valid record.
    const handle = await (io.open ?? nodeFileIo.open!)(path, 'r+');
    try {
      await (io.truncate ?? nodeFileIo.truncate!)(handle, validLength);
    } finally {
      await handle.close();
    }
  }
  return { records: payloads.length, bytes: validLength };
}

async function openRecord(
  directory: string,
  name: string,
  sealer: RecordSealer,
  sealed: Uint8Array,
  kind: FileKind,
  generation: number,
  sequence: number,
): Promise<Payload> {
  try {
    return await sealer.openRecord(sealed, { kind, generation, sequence });
  } catch (error) {
    if (error instanceof EnvelopeError && kind === 'snapshot' && sequence === 0) {
      // The first record opened with this key: every record is sealed under the same root key,
      // so a failure here means the key is not the one the directory was sealed with.
      throw new KmsError(
        'WRONG_ROOT_KEY',
        `The data directory ${directory} holds state sealed under a different root key; start with the root key it was created with, or with an empty directory.`,
        { cause: error },
      );
    }
    throw new KmsError(
      'CORRUPT',
      `Record ${sequence} of ${pathIn(directory, name)} passes its checksum but does not authenticate: the file was altered or moved.`,
      { cause: error },
    );
  }
}

async function removeLeftovers(directory: string, files: DataFiles, generation: number, io: FileIo): Promise<void> {
  const garbage = [...files.temporaries];
  for (const older of files.snapshots) if (older < generation) garbage.push(snapshotName(older));
  for (const journal of files.journals) {
    if (journal < generation) garbage.push(journalName(journal));
    if (journal > generation) {
      // Created only after its snapshot is in place, so a journal newer than every snapshot
      // can only be empty (or not ours).
      const bytes = await readFile(pathIn(directory, journalName(journal)));
      if (bytes.length > 0) throw new KmsError('CORRUPT', `${pathIn(directory, journalName(journal))} is newer than every snapshot.`);
      garbage.push(journalName(journal));
    }
  }
  if (garbage.length === 0) return;
  const unlink = io.unlink ?? nodeFileIo.unlink!;
  for (const name of garbage) {
    // Garbage that stays is removed by the next open; a lost lease stops this one.
    await unlink(pathIn(directory, name)).catch(unlessLeaseLost);
  }
  await (io.syncDirectory ?? syncDirectory)(directory);
}
