/**
 * @module
 * The journal of the current generation, as the store's single writer appends to it: sealed
 * records (`codec.ts`), each written and fdatasync'd before the next, so only the last record of a
 * journal can ever be torn; cut back to its last durable record after a failed append; and
 * replaced by a snapshot when it outgrows its threshold (snapshot <gen+1>, then journal <gen+1>,
 * then generation <gen>'s files deleted; `recovery.ts` handles a crash between any two steps). A
 * snapshot the disk has no room for is put off until the journal grew some more; one whose
 * directory fsync fails after its rename is in place (`NOT_DURABLE`), and counts as written.
 */

import type { FileHandle } from 'node:fs/promises';
import { isServiceError, syncDirectoryAfterRemoval } from '@strongbox/service-kernel';
import type { Change } from '../model/state.ts';
import { changesJson, type RecordSealer } from './codec.ts';
import { type FileIo, journalName, nodeFileIo, pathIn, snapshotName, syncDirectory, unlessLeaseLost } from './files.ts';
import type { Recovered } from './recovery.ts';
import { writeSnapshot } from './snapshot.ts';

/** Default journal size that triggers a snapshot (or the last snapshot's size, if larger). */
export const DEFAULT_SNAPSHOT_THRESHOLD_BYTES: number = 4 * 1024 * 1024;
/** After a snapshot found no room: journal growth before the next try. */
const SNAPSHOT_RETRY_BYTES = 1024 * 1024;

/**
 * Opens (creating it) the journal of `generation` for appending, through `io` (a fenced one
 * refuses once the lease is lost), and makes its name durable.
 * @throws the file system's error, or what `io.open` throws (`LEASE_LOST`).
 * @example const handle = await openJournal(directory, 3);
 */
export async function openJournal(directory: string, generation: number, io: FileIo = nodeFileIo): Promise<FileHandle> {
  const handle = await (io.open ?? nodeFileIo.open!)(pathIn(directory, journalName(generation)), 'a', 0o600);
  try {
    await (io.syncDirectory ?? syncDirectory)(directory);
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
  return handle;
}

/** The journal file the store appends to, with the generation it belongs to. */
export class Journal {
  readonly #directory: string;
  readonly #sealer: RecordSealer;
  readonly #io: FileIo;
  #handle: FileHandle;
  #generation: number;
  #sequence: number;
  #bytes: number;
  #snapshotBytes: number;
  /** Set once a snapshot is durable, or in place but not durable: a failure after it cannot be rolled back. */
  #snapshotPlaced = false;
  /** Journal size before which no threshold snapshot is tried again (after one found no space). */
  #snapshotRetryBytes = 0;

  /** The journal `handle` of the generation `recovered` ends with (`openJournal`). */
  constructor(directory: string, sealer: RecordSealer, io: FileIo, handle: FileHandle, recovered: Recovered) {
    this.#directory = directory;
    this.#sealer = sealer;
    this.#io = io;
    this.#handle = handle;
    this.#generation = recovered.generation;
    this.#sequence = recovered.journalRecords;
    this.#bytes = recovered.journalBytes;
    this.#snapshotBytes = recovered.snapshotBytes;
  }

  /** Whether a snapshot is in place (durable or maybe): a failure after it cannot be rolled back. */
  get snapshotPlaced(): boolean {
    return this.#snapshotPlaced;
  }

  /** Whether the journal outgrew `threshold` (default: 4 MiB or the last snapshot's size) and a snapshot may be tried. */
  snapshotDue(threshold: number | undefined): boolean {
    const limit = threshold ?? Math.max(DEFAULT_SNAPSHOT_THRESHOLD_BYTES, this.#snapshotBytes);
    return this.#bytes >= limit && this.#bytes > 0 && this.#bytes >= this.#snapshotRetryBytes;
  }

  /** A due snapshot found no room: the next is tried once the journal grew `SNAPSHOT_RETRY_BYTES`. */
  putOffSnapshot(): void {
    this.#snapshotRetryBytes = this.#bytes + SNAPSHOT_RETRY_BYTES;
  }

  /**
   * Appends one record holding the changes `encoded` (`encodeChange`), durably.
   * @throws what the file system throws (the record may then be partly written: `cutBack`).
   */
  async append(encoded: readonly string[]): Promise<void> {
    const record = await this.#sealer.sealRecord(changesJson(encoded), { kind: 'journal', generation: this.#generation, sequence: this.#sequence });
    // One write and one fdatasync per record, in order: a record reaches the disk only after
    // the one before it is durable, so a crash can tear only the last record of the journal,
    // the invariant recovery relies on to tell a torn tail from damage (record-file.ts). One
    // write for several records would let a power loss keep a later record but not an
    // earlier one.
    await this.#io.write(this.#handle, record);
    await this.#io.sync(this.#handle);
    this.#sequence += 1;
    this.#bytes += record.length;
  }

  /**
   * Writes `changes` (the whole state) as the next generation's snapshot, starts its journal and
   * deletes the previous generation's files.
   * @throws the kernel's `NOT_DURABLE`, what the file system throws, or `LEASE_LOST` from a fenced `io`
   *   (also at the old generation's removal, once the new one is in place); once `snapshotPlaced`, the
   *   failure cannot be rolled back.
   */
  async snapshot(changes: readonly Change[]): Promise<void> {
    const directory = this.#directory;
    const previous = this.#generation;
    const next = previous + 1;
    try {
      this.#snapshotBytes = await writeSnapshot(directory, next, changes, this.#sealer, this.#io);
    } catch (error) {
      // Renamed into place, its directory fsync failed: the next open may start from it (if the
      // rename reached the disk), so rolling back and appending to journal <previous> could lose
      // acknowledged commits. Placed, then: the store fails and stops writing (`group-commit.ts`).
      if (isServiceError(error, 'NOT_DURABLE')) this.#snapshotPlaced = true;
      throw error;
    }
    // Snapshot <next> is durable: from here on recovery starts from it, whatever happens next,
    // so no failure after this point can be rolled back.
    this.#snapshotPlaced = true;
    const journal = await openJournal(directory, next, this.#io);
    const old = this.#handle;
    this.#handle = journal;
    this.#generation = next;
    this.#sequence = 0;
    this.#bytes = 0;
    await old.close().catch(() => undefined);
    // Garbage now; if deleting fails, recovery deletes it on the next start. A takeover that
    // fenced it is rethrown: the store stops (`group-commit.ts`: outcome unknown, no ack).
    const unlink = this.#io.unlink ?? nodeFileIo.unlink!;
    await unlink(pathIn(directory, journalName(previous))).catch(unlessLeaseLost);
    await unlink(pathIn(directory, snapshotName(previous))).catch(unlessLeaseLost);
    // Their removals' fsync: snapshot and journal <next> are durable already, so a failure only
    // lets a crash bring the garbage back for the next open to remove; warned, not thrown.
    await syncDirectoryAfterRemoval(directory, this.#io);
    this.#snapshotPlaced = false;
    this.#snapshotRetryBytes = 0;
  }

  /**
   * Cuts the journal back to its last durable record (a failed append may have left part of a
   * record, which later records must not follow). @returns whether that worked.
   */
  async cutBack(): Promise<boolean> {
    const io = this.#io;
    try {
      await (io.truncate ?? nodeFileIo.truncate!)(this.#handle, this.#bytes);
      return true;
    } catch {
      return false;
    }
  }

  /** Closes the journal file, ignoring a failure to close. */
  async close(): Promise<void> {
    await this.#handle.close().catch(() => undefined);
  }
}
