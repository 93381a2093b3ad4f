/**
 * @module
 * The audit trail on the data directory, so that LookupEvents answers after a restart as CloudTrail
 * does (its event history keeps 90 days). Events are appended to `audit-<n>.sbx` files in the same
 * sealed, self-checking records as the journal (`record-file.ts`, `codec.ts`), a batch per record:
 * appends are buffered for `AUDIT_FLUSH_MS` and written with one write and one fdatasync, after
 * the response (CloudTrail too delivers events minutes after the call, and an audit write must
 * not slow or fail the call it records). A crash loses at most the last unflushed batch and can
 * tear only the last record of a file, which the next start cuts off (of any file: an older one's
 * torn tail is an old holder's late append or a write whose cut-back failed, see `open`); damage
 * anywhere else refuses to open (`CORRUPT`), as for the journal. A new file starts past `AUDIT_FILE_BYTES`, and a
 * file whose newest event is more than 90 days older than the newest event is deleted.
 *
 * Events waiting to be written are never trimmed while writes succeed: an acknowledged call's event
 * reaches the file. Memory stays bounded by backpressure instead: once `MAX_BUFFERED_EVENTS` wait,
 * `room()` hands the service a flush to await before it serves the next call (an in-process burst
 * of calls started together runs without a turn of the event loop, so the timer alone would never
 * fire during it). The buffer then holds at most the bound plus the calls already in flight.
 *
 * A store starts a new file at every open (`newFile`), two past the newest it found, as its
 * generation leaps (`directory-store.ts`): an append of a previous holder that raced a takeover
 * then ends that holder's last file, never lands between this one's records; and the number
 * between is the one that holder's own next file takes, so its open of that file, late past its
 * lease check, names no file of this one's (the write after it is refused by the lease).
 *
 * A write that fails (a full disk) is cut back to the last whole record and tried again at the
 * next flush (in a new file if the cut-back fails too). While writes fail, calls are not held back (an audit write must not fail or stall
 * the call it records) and at most `MAX_BUFFERED_EVENTS` events wait, the oldest dropped first.
 */

import { type FileHandle, readFile } from 'node:fs/promises';
import { EnvelopeError } from '@strongbox/envelope';
import { type AuditEvent, EVENT_HISTORY_MS, syncDirectoryAfterRemoval } from '@strongbox/service-kernel';
import { KmsError } from '../errors.ts';
import { auditRecordJson, type Payload, type RecordSealer } from './codec.ts';
import { auditName, type FileIo, nodeFileIo, pathIn, syncDirectory, unlessLeaseLost } from './files.ts';
import { scanRecords } from './record-file.ts';

/** How long appended events wait before they are written together. */
export const AUDIT_FLUSH_MS = 100;
/** Size past which a new audit file starts. */
export const AUDIT_FILE_BYTES: number = 4 * 1024 * 1024;
/** Events waiting to be written past which calls wait for a flush (and, while writes fail, the most kept). */
export const MAX_BUFFERED_EVENTS = 10_000;

/** What a store offers the audit trail: the events it recovered, and where new ones go. */
export interface AuditSink {
  /**
   * The events read back at open, oldest first, handed over once: later calls get none. The log
   * keeps no reference to them, so those the trail's ring does not keep (or drops later) are freed
   * rather than held for the life of the process.
   */
  takeRecovered(): readonly AuditEvent[];
  /** Queues an event for writing (never throws, never waits). */
  append(event: AuditEvent): void;
  /**
   * `undefined` while there is room for more events; otherwise a flush to await before serving
   * the next call (backpressure), which never rejects.
   */
  room(): Promise<void> | undefined;
  /** Writes the queued events now; never rejects (a failed write is tried again later). */
  flush(): Promise<void>;
}

interface FileInfo {
  readonly number: number;
  newest: number;
}

/** The audit files of a data directory. */
export class AuditLog implements AuditSink {
  #recovered: readonly AuditEvent[] | undefined;
  readonly #directory: string;
  readonly #sealer: RecordSealer;
  readonly #io: FileIo;
  readonly #files: FileInfo[];
  readonly #fileBytes: number;
  /** Every new file's number is above it (the directory's numbering floor, `number-floor.ts`). */
  readonly #after: number;
  #handle: FileHandle | undefined;
  #bytes: number;
  #sequence: number;
  #buffer: AuditEvent[] = [];
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();
  /** Whether the last write failed (a full disk): then calls are not held back. */
  #failing = false;
  #stopped = false;

  private constructor(
    directory: string,
    sealer: RecordSealer,
    io: FileIo,
    fileBytes: number,
    files: FileInfo[],
    recovered: AuditEvent[],
    tail: { bytes: number; sequence: number },
    after: number,
  ) {
    this.#fileBytes = fileBytes;
    this.#after = after;
    this.#directory = directory;
    this.#sealer = sealer;
    this.#io = io;
    this.#files = files;
    this.#recovered = recovered;
    this.#bytes = tail.bytes;
    this.#sequence = tail.sequence;
  }

  /**
   * Reads the audit files `numbers` (ascending) back, cuts a torn tail off any of them, and deletes
   * files past the 90 days.
   * @param fileBytes - size past which a new file starts.
   * @param options - `newFile`: append to a new file rather than the newest one, numbered two
   *   past it; `after`: new files are numbered above it (default 0).
   * @throws KmsError CORRUPT for a damaged or altered file; the `ServiceError` `LEASE_LOST` from a fenced
   *   `io` (a cut-back or an expired file's removal refused after a takeover).
   */
  static async open(
    directory: string,
    numbers: readonly number[],
    sealer: RecordSealer,
    io: FileIo,
    fileBytes: number = AUDIT_FILE_BYTES,
    options: { readonly newFile?: boolean; readonly after?: number } = {},
  ): Promise<AuditLog> {
    const files: FileInfo[] = [];
    const events: AuditEvent[] = [];
    let tail = { bytes: 0, sequence: 0 };
    for (const [index, number] of numbers.entries()) {
      const name = auditName(number);
      const bytes = await readFile(pathIn(directory, name));
      const { payloads, validLength } = scanRecords(bytes, pathIn(directory, name));
      let newest = -Infinity;
      for (const [sequence, sealed] of payloads.entries()) {
        for (const event of await openEvents(directory, name, sealer, sealed, number, sequence)) {
          events.push(event);
          newest = Math.max(newest, event.eventTime);
        }
      }
      // A torn tail is cut off whichever file it ends: an older file's can be an old holder's
      // append that passed its lease check before a takeover and tore late (a full disk), its own
      // cut-back then refused, or a write whose cut-back failed (`#write`). `scanRecords` has
      // refused a bad record that a valid one follows, so only the incomplete last one goes, never
      // a whole record; and through the fenced `io`, only while this store holds the lease.
      if (validLength < bytes.length) await cut(pathIn(directory, name), validLength, io);
      files.push({ number, newest });
      if (index === numbers.length - 1) tail = { bytes: validLength, sequence: payloads.length };
    }
    // A full file is never appended to: the first write starts the next one.
    if (options.newFile === true) tail = { bytes: Math.max(tail.bytes, fileBytes), sequence: tail.sequence };
    // A new file leaps the number a previous holder's next file would take (see the module).
    const after = options.newFile === true ? Math.max(options.after ?? 0, (numbers.at(-1) ?? 0) + 1) : (options.after ?? 0);
    const log = new AuditLog(directory, sealer, io, fileBytes, files, events, tail, after);
    await log.#prune();
    return log;
  }

  takeRecovered(): readonly AuditEvent[] {
    const events = this.#recovered ?? [];
    this.#recovered = undefined;
    return events;
  }

  append(event: AuditEvent): void {
    if (this.#stopped) return;
    this.#buffer.push(event);
    if (this.#failing && this.#buffer.length > MAX_BUFFERED_EVENTS) this.#buffer.splice(0, this.#buffer.length - MAX_BUFFERED_EVENTS);
    if (this.#timer === undefined) {
      this.#timer = setTimeout(() => void this.flush(), AUDIT_FLUSH_MS);
      this.#timer.unref();
    }
  }

  room(): Promise<void> | undefined {
    if (this.#buffer.length < MAX_BUFFERED_EVENTS || this.#failing || this.#stopped) return undefined;
    // Calls that wait together share the flush already queued rather than queue one each.
    return this.#timer === undefined ? this.#writing : this.flush();
  }

  /** Writes what is buffered now (one record, one fdatasync). Never rejects. */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#writing = this.#writing.then(() => this.#write());
    return this.#writing;
  }

  /** Flushes, then closes the current file. */
  async close(): Promise<void> {
    await this.flush();
    this.#stopped = true;
    await this.#handle?.close().catch(() => undefined);
    this.#handle = undefined;
  }

  async #write(): Promise<void> {
    if (this.#buffer.length === 0) return;
    const events = this.#buffer;
    this.#buffer = [];
    try {
      if (this.#handle === undefined || this.#bytes >= this.#fileBytes) await this.#nextFile();
      const current = this.#files.at(-1)!;
      const record = await this.#sealer.sealRecord(auditRecordJson(events.map(storable)), {
        kind: 'audit',
        generation: current.number,
        sequence: this.#sequence,
      });
      await this.#io.write(this.#handle!, record);
      await this.#io.sync(this.#handle!);
      this.#bytes += record.length;
      this.#sequence += 1;
      for (const event of events) if (event.eventTime > current.newest) current.newest = event.eventTime;
      this.#failing = false;
    } catch {
      this.#failing = true;
      // Try again at the next flush, after cutting off what the failed write left.
      this.#buffer = [...events, ...this.#buffer].slice(-MAX_BUFFERED_EVENTS);
      if (this.#handle !== undefined) {
        try {
          await (this.#io.truncate ?? nodeFileIo.truncate!)(this.#handle, this.#bytes);
        } catch {
          // The file cannot be trusted to end on a whole record: start a new one next time (as
          // for a full file), never append after it; the next start cuts its tail (`open`).
          await this.#handle.close().catch(() => undefined);
          this.#handle = undefined;
          this.#bytes = this.#fileBytes;
        }
      }
    }
  }

  /** Opens the newest file for appending, or starts a new one (and prunes) when it is full. */
  async #nextFile(): Promise<void> {
    const last = this.#files.at(-1);
    if (this.#handle === undefined && last !== undefined && this.#bytes < this.#fileBytes) {
      this.#handle = await (this.#io.open ?? nodeFileIo.open!)(pathIn(this.#directory, auditName(last.number)), 'a', 0o600);
      return;
    }
    await this.#handle?.close().catch(() => undefined);
    this.#handle = undefined;
    const number = Math.max(last?.number ?? 0, this.#after) + 1;
    const handle = await (this.#io.open ?? nodeFileIo.open!)(pathIn(this.#directory, auditName(number)), 'a', 0o600);
    try {
      await (this.#io.syncDirectory ?? syncDirectory)(this.#directory);
    } catch (error) {
      // Not kept: the next flush opens the same name again ('a': appending to what is there).
      await handle.close().catch(() => undefined);
      throw error;
    }
    this.#handle = handle;
    this.#files.push({ number, newest: -Infinity });
    this.#bytes = 0;
    this.#sequence = 0;
    await this.#prune();
  }

  /** Deletes the files whose every event is more than 90 days older than the newest event. */
  async #prune(): Promise<void> {
    const newest = Math.max(...this.#files.map((file) => file.newest));
    const expired = this.#files.filter((file, index) => index < this.#files.length - 1 && file.newest < newest - EVENT_HISTORY_MS);
    if (expired.length === 0) return;
    for (const file of expired) {
      // Left for a later prune if that fails; a lost lease fails the open (or the flush, which retries).
      await (this.#io.unlink ?? nodeFileIo.unlink!)(pathIn(this.#directory, auditName(file.number))).catch(unlessLeaseLost);
      this.#files.splice(this.#files.indexOf(file), 1);
    }
    // The new file's entry is durable already: a failure only lets a crash bring expired files
    // back for a later prune; warned, not thrown (and the write it follows goes on).
    await syncDirectoryAfterRemoval(this.#directory, this.#io);
  }
}

/** An event as written: the caller without its identity policy (not part of any record). */
function storable(event: AuditEvent): AuditEvent {
  const { identityPolicy: _policy, ...caller } = event.caller;
  return { ...event, caller };
}

async function openEvents(directory: string, name: string, sealer: RecordSealer, sealed: Uint8Array, number: number, sequence: number): Promise<AuditEvent[]> {
  let payload: Payload;
  try {
    payload = await sealer.openRecord(sealed, { kind: 'audit', generation: number, sequence });
  } catch (error) {
    const why =
      error instanceof EnvelopeError
        ? 'passes its checksum but does not authenticate: the file was altered, moved, or sealed under another root key'
        : 'is not an audit record';
    throw new KmsError('CORRUPT', `Record ${sequence} of ${pathIn(directory, name)} ${why}.`, { cause: error });
  }
  if (payload.t !== 'audit') throw new KmsError('CORRUPT', `${pathIn(directory, name)} holds a ${payload.t} record.`);
  return payload.events;
}

/** Cuts a torn tail off through `io` (the store's fenced one: a lapsed opener changes nothing). */
async function cut(path: string, length: number, io: FileIo): Promise<void> {
  const handle = await (io.open ?? nodeFileIo.open!)(path, 'r+');
  try {
    await (io.truncate ?? nodeFileIo.truncate!)(handle, length);
  } finally {
    await handle.close();
  }
}
