/**
 * @module
 * Record framing for journals and snapshots: a file is a sequence of self-checking records, so a
 * reader can tell a torn tail (a write the crash interrupted, never acknowledged) from damage to
 * acknowledged data. Record layout:
 *
 * ```
 * offset 0   u32 BE  magic 0x53425231 ("SBR1")
 * offset 4   u32 BE  payload length n (1 .. 64 MiB)
 * offset 8   u32 BE  CRC-32 (ISO-HDLC, zlib's) of bytes 0..8 ‖ payload
 * offset 12  n B     payload (a sealed @strongbox/envelope message)
 * ```
 *
 * The store writes each journal record with a write of its own and fdatasyncs it before the next
 * record's write starts (even when one group commit produces several records), so only the last
 * record of a journal can be torn. A record that fails its check while a valid record still
 * follows it somewhere later in the file is therefore not a torn tail but corruption. (Snapshots
 * are fsynced once and renamed into place, so they are complete or absent: `snapshot.ts`.)
 */

import { crc32 } from 'node:zlib';
import { KmsError } from '../errors.ts';

/** "SBR1". */
const MAGIC = 0x53425231;
/** Magic, length, CRC. */
export const RECORD_HEADER_LENGTH = 12;
/** Hard maximum payload length (a snapshot is split into records far below this). */
export const MAX_PAYLOAD_LENGTH: number = 64 * 1024 * 1024;

/** The valid records of a file and where its valid prefix ends. */
export interface ScanResult {
  /** Payloads of the valid records, in order (views into the scanned buffer). */
  readonly payloads: Uint8Array[];
  /** Length of the valid prefix: the offset right after the last valid record. */
  readonly validLength: number;
}

/**
 * Frames a payload as one record.
 * @throws RangeError for an empty payload or one longer than 64 MiB.
 */
export function encodeRecord(payload: Uint8Array): Uint8Array {
  if (payload.length === 0 || payload.length > MAX_PAYLOAD_LENGTH) throw new RangeError(`record payload of ${payload.length} bytes`);
  const record = new Uint8Array(RECORD_HEADER_LENGTH + payload.length);
  const view = new DataView(record.buffer);
  view.setUint32(0, MAGIC);
  view.setUint32(4, payload.length);
  record.set(payload, RECORD_HEADER_LENGTH);
  view.setUint32(8, checksum(record, payload.length));
  return record;
}

/**
 * Reads the records of a file: the valid prefix, stopping at the first record that is incomplete
 * or fails its checksum (a torn tail).
 * @param path - the file's path, which the error names.
 * @throws KmsError CORRUPT when a bad record is followed by a valid one (not a crash artefact).
 */
export function scanRecords(bytes: Uint8Array, path: string): ScanResult {
  const payloads: Uint8Array[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const length = recordLengthAt(bytes, offset);
    if (length === undefined) break;
    payloads.push(bytes.subarray(offset + RECORD_HEADER_LENGTH, offset + RECORD_HEADER_LENGTH + length));
    offset += RECORD_HEADER_LENGTH + length;
  }
  if (offset < bytes.length && validRecordAfter(bytes, offset + 1))
    throw new KmsError('CORRUPT', `${path} is damaged at byte ${offset} (valid records follow, so this is not a torn write).`);
  return { payloads, validLength: offset };
}

/** The payload length of a complete, valid record at `offset`, or `undefined`. */
function recordLengthAt(bytes: Uint8Array, offset: number): number | undefined {
  if (bytes.length - offset < RECORD_HEADER_LENGTH) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset);
  if (view.getUint32(0) !== MAGIC) return undefined;
  const length = view.getUint32(4);
  if (length === 0 || length > MAX_PAYLOAD_LENGTH || bytes.length - offset - RECORD_HEADER_LENGTH < length) return undefined;
  const record = bytes.subarray(offset, offset + RECORD_HEADER_LENGTH + length);
  return checksum(record, length) === view.getUint32(8) ? length : undefined;
}

/** Whether any complete valid record starts at or after `from` (only run on a bad record). */
function validRecordAfter(bytes: Uint8Array, from: number): boolean {
  for (let offset = from; offset + RECORD_HEADER_LENGTH <= bytes.length; offset++) {
    // Cheap filter on the first magic byte before the full check.
    if (bytes[offset] === 0x53 && recordLengthAt(bytes, offset) !== undefined) return true;
  }
  return false;
}

/** CRC-32 over the magic and length fields, then the payload (skipping the CRC field itself). */
function checksum(record: Uint8Array, length: number): number {
  return crc32(record.subarray(RECORD_HEADER_LENGTH, RECORD_HEADER_LENGTH + length), crc32(record.subarray(0, 8)));
}
