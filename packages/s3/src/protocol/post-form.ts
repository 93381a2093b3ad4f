/**
 * @module
 * The `multipart/form-data` body of a POST Object request, parsed by `@fastify/busboy` as it
 * streams: the fields before the `file` part are read (at most 20 KB of them), and the file part is
 * handed on as a stream, never buffered whole. As S3 does (POST Object, "file": "The file or text
 * content must be the last field in the form"; "Any fields below it are ignored"), only the part
 * named `file` is the file, whatever its `filename`, and the parts after it are read and dropped.
 */

import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { Busboy, type BusboyFileStream } from '@fastify/busboy';
import { type BodyStream, ServiceError } from '@strongbox/service-kernel';
import { S3Error } from '../errors.ts';

/**
 * The most the fields before the file may take: "The form data and boundaries (excluding the
 * contents of the file) cannot exceed 20KB"; S3 names the limit 20480 in its refusal.
 */
export const MAX_POST_PRE_DATA_BYTES = 20_480;

/** A form read up to its file. */
export interface PostForm {
  /** The fields before the file, names as sent, in order. */
  readonly fields: readonly (readonly [name: string, value: string])[];
  /** The file part; `undefined` when the form has none. */
  readonly file: PostFile | undefined;
  /** Stops reading the form (an upload refused before its file was read); the rest of the body is left to the edge to drain. */
  discard(): void;
}

/** The `file` part. */
export interface PostFile {
  /** The `filename` parameter, its directories dropped; `undefined` when the part has none. */
  readonly filename: string | undefined;
  /** The file's bytes, as they arrive. */
  readonly body: BodyStream;
}

/**
 * Reads a form's fields up to its file.
 * @throws S3Error PostNotMultipart (412) when the body is not multipart/form-data;
 *   MalformedPostRequest (400) for a malformed body; PostPreDataTooLarge (400) past 20 KB of fields.
 * @example const { fields, file } = await readPostForm(head.headers['content-type'], request.body);
 */
export async function readPostForm(contentType: string | undefined, body: BodyStream): Promise<PostForm> {
  if (contentType === undefined || !/^multipart\/form-data\s*(;|$)/i.test(contentType)) {
    // LS-POST (LocalStack's recording of S3, 2026-02-21): 412 naming the rule in `Condition`.
    throw new S3Error('PostNotMultipart', { fields: [['Condition', 'Bucket POST must be of the enclosure-type multipart/form-data']] });
  }
  let parser: ReturnType<typeof Busboy>;
  try {
    parser = Busboy({
      headers: { 'content-type': contentType },
      // Every part but `file` is a field, even with a filename: its bytes count toward the limit.
      isPartAFile: (name) => name?.toLowerCase() === 'file',
      limits: { fieldSize: MAX_POST_PRE_DATA_BYTES + 1, fieldNameSize: MAX_POST_PRE_DATA_BYTES + 1 },
    });
  } catch (error) {
    // No boundary (seen from S3 as MalformedPOSTRequest, re:Post 2017).
    throw new S3Error('MalformedPostRequest', { cause: error });
  }
  const state = new FormState();
  const pump = pumpInto(body, parser, state);
  return await new Promise<PostForm>((resolve, reject) => {
    const fail = (error: unknown): void => {
      // The body's own check (XAmzContentSHA256Mismatch, a bad aws-chunked frame) is reported as
      // the engine reports it (an internal error caused by the kernel's refusal, put on the wire
      // as that refusal); anything else is a form that is not well formed.
      const refusal =
        error instanceof S3Error
          ? error
          : error instanceof ServiceError
            ? new S3Error('InternalError', { cause: error })
            : new S3Error('MalformedPostRequest', { cause: error });
      // Once the file is being read, its reader is told: a body cut short never stores a
      // truncated object ("Amazon S3 never stores partial objects").
      state.settle(refusal);
      state.file?.destroy(refusal);
      state.stop();
      reject(refusal);
    };
    parser.on('field', (name, value, nameTruncated, valueTruncated) => {
      if (state.file !== undefined || state.stopped) return; // after the file: ignored, as S3 ignores it
      state.preDataBytes += Buffer.byteLength(name) + Buffer.byteLength(value);
      if (nameTruncated || valueTruncated || state.preDataBytes > MAX_POST_PRE_DATA_BYTES) {
        fail(preDataTooLarge());
        return;
      }
      state.fields.push([name, value]);
    });
    parser.on('file', (_name, stream, filename) => {
      if (state.file !== undefined || state.stopped) {
        // A second part named `file` comes after the first: ignored like every later part.
        stream.resume();
        return;
      }
      state.file = stream;
      resolve(state.form(filename, stream));
    });
    parser.on('error', fail);
    parser.on('finish', () => {
      state.settle(undefined);
      resolve(state.form(undefined, undefined));
    });
    pump.catch(fail);
  });
}

/** What has been read of one form. */
class FormState {
  readonly fields: [string, string][] = [];
  preDataBytes = 0;
  file: BusboyFileStream | undefined;
  stopped = false;
  /** Aborted by `stop()`: a pump waiting for the parser to drain stops waiting. */
  readonly #stopping = new AbortController();
  /** Settles once the whole body has been parsed: the file's end is only an end once the form closes well. */
  readonly parsed: Promise<void>;
  #settle!: (error: S3Error | undefined) => void;

  constructor() {
    this.parsed = new Promise<void>((resolve, reject) => {
      this.#settle = (error) => (error === undefined ? resolve() : reject(error));
    });
    // Awaited only by a file reader; a form refused before its file is read leaves it unobserved.
    this.parsed.catch(() => undefined);
  }

  settle(error: S3Error | undefined): void {
    this.#settle(error);
  }

  /** Aborted once the form is stopped. */
  get stopSignal(): AbortSignal {
    return this.#stopping.signal;
  }

  /**
   * Stops reading: the file (if any) flows into nothing, and the pump stops at its next chunk, or
   * at once if it waits for the parser to drain (a file reader that left its loop destroyed the
   * file stream, so the parser never drains: the pump would wait for ever).
   */
  stop(): void {
    this.stopped = true;
    this.#stopping.abort();
    this.file?.resume();
  }

  form(filename: string | undefined, stream: Readable | undefined): PostForm {
    return {
      fields: this.fields,
      file: stream === undefined ? undefined : { filename: filename === undefined ? undefined : baseName(filename), body: fileBody(stream, this.parsed) },
      discard: () => this.stop(),
    };
  }
}

/** The file's bytes, ending only once the form has closed well (a truncated body fails instead). */
async function* fileBody(stream: Readable, parsed: Promise<void>): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of stream) yield chunk as Uint8Array;
  } catch (error) {
    // The parser's own refusal (a part cut short): S3's answer for a form that is not well formed.
    throw error instanceof S3Error ? error : new S3Error('MalformedPostRequest', { cause: error });
  }
  await parsed;
}

/**
 * Bytes fed to the parser at a time while no file has begun: the raw bytes of a slice in which the
 * file begins are not counted toward the 20 KB, so slicing bounds what escapes the count by this
 * much rather than by a chunk (which the sender or the in-process caller sizes).
 */
const PRE_DATA_SLICE_BYTES = 1024;

/** Feeds the request body to the parser with back-pressure (the file stream's reader sets the pace). */
async function pumpInto(body: BodyStream, parser: ReturnType<typeof Busboy>, state: FormState): Promise<void> {
  let framed = 0;
  for await (const chunk of body) {
    let offset = 0;
    while (offset < chunk.length) {
      if (state.stopped) break;
      // Whole once the file has begun (its bytes are not counted); in slices before.
      const end = state.file === undefined ? Math.min(chunk.length, offset + PRE_DATA_SLICE_BYTES) : chunk.length;
      const slice = offset === 0 && end === chunk.length ? chunk : chunk.subarray(offset, end);
      offset = end;
      const writable = parser.write(slice);
      // "The form data and boundaries (excluding the contents of the file) cannot exceed 20KB": the
      // fields' names and values are counted as they come, but their framing (boundaries, part
      // headers) only here, from the raw bytes read while no file has begun. Without it, parts with
      // empty names and values would count nothing and could come in any number.
      if (state.file === undefined && !state.stopped) {
        framed += slice.length;
        if (framed > MAX_POST_PRE_DATA_BYTES) throw preDataTooLarge();
      }
      if (!writable && !(await drained(parser, state.stopSignal))) break;
    }
    if (state.stopped) break;
  }
  if (state.stopped) {
    parser.destroy();
    return;
  }
  parser.end();
}

/** Waits for the parser to drain: true once it has, false if the form was stopped first. */
async function drained(parser: ReturnType<typeof Busboy>, stopSignal: AbortSignal): Promise<boolean> {
  if (stopSignal.aborted) return false;
  try {
    await once(parser, 'drain', { signal: stopSignal });
    return true;
  } catch (error) {
    if (stopSignal.aborted) return false;
    throw error;
  }
}

function preDataTooLarge(): S3Error {
  return new S3Error('PostPreDataTooLarge', { fields: [['MaxPostPreDataLengthBytes', String(MAX_POST_PRE_DATA_BYTES)]] });
}

/**
 * "If the browser or client provides a full or partial path to the file, only the text following
 * the last slash (/) or backslash (\) is used" (POST Object, `${filename}`).
 */
function baseName(filename: string): string {
  return filename.slice(Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\')) + 1);
}
