/**
 * @module
 * S3's `aws-chunked` content encoding, decoded as the body streams in: never more than one chunk
 * header or trailer line is held, chunk data passes straight through. The three forms
 * (x-amz-content-sha256, SigV4 reference "Signature Calculations for the Authorization Header:
 * Transferring Payload in Multiple Chunks" and "...Including Trailing Headers"):
 *
 * - `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`: `<hex-size>;chunk-signature=<sig>\r\n<data>\r\n` per
 *   chunk, ending with a signed empty chunk; each signature signs
 *   `AWS4-HMAC-SHA256-PAYLOAD\n<date>\n<scope>\n<previous signature>\n<SHA-256 of "">\n<SHA-256 of the chunk>`,
 *   the first chained from the request's own signature (the seed);
 * - `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER`: the same, then trailer lines `name:value\r\n`
 *   and `x-amz-trailer-signature:<sig>\r\n`, which signs
 *   `AWS4-HMAC-SHA256-TRAILER\n<date>\n<scope>\n<last chunk signature>\n<SHA-256 of the trailer lines>`;
 * - `STREAMING-UNSIGNED-PAYLOAD-TRAILER` (the JS SDK's and the CLI's default since January 2025):
 *   `<hex-size>\r\n<data>\r\n` per chunk, `0\r\n`, trailer lines, `\r\n`.
 *
 * The decoded length must equal `x-amz-decoded-content-length`. Bytes of a chunk are passed on
 * before its signature is checked (holding a chunk would mean buffering whatever size a client
 * declares); every check fails the stream BEFORE it ends, so a consumer that commits only once
 * the body has ended (the S3 engine) never stores a refused body. Trailer values are not checked
 * here: the checksum is computed over the plaintext by the consumer (`trailers()`).
 */

import { createHash, type Hash } from 'node:crypto';
import { ServiceError } from '../errors.ts';
import type { ChunkSigningContext } from '../http/types.ts';
import { S3_SIGNATURE_MISMATCH } from './presigned.ts';
import { constantTimeEqual } from './signature.ts';

/** The `x-amz-content-sha256` values of the aws-chunked forms. */
export type AwsChunkedForm = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' | 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER' | 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';

/** How to decode one body. */
export interface AwsChunkedOptions {
  /** The request's `x-amz-content-sha256`. */
  readonly form: AwsChunkedForm;
  /** The request's `x-amz-decoded-content-length`, as sent. */
  readonly decodedContentLength: string | undefined;
  /** The request's `x-amz-trailer` (the trailer names it promises, comma-separated). */
  readonly trailer?: string | undefined;
  /**
   * What chunk and trailer signatures are checked against (`RequestIdentity.payload.chunkSigning`).
   * Absent for a signed form: the signatures are parsed but cannot be verified (an unknown access
   * key in non-strict mode, which is not verified either).
   */
  readonly chunkSigning?: ChunkSigningContext | undefined;
}

/** A decoded body: the data, then (once it has ended) the trailer headers that followed it. */
export interface AwsChunkedBody extends AsyncIterable<Uint8Array> {
  /** The decoded length promised (`x-amz-decoded-content-length`). */
  readonly decodedLength: number;
  /** The trailer names `x-amz-trailer` promised, lowercase (e.g. `x-amz-checksum-crc32`): known before the body is read. */
  readonly promisedTrailers: readonly string[];
  /**
   * The trailers by lowercase name (`x-amz-checksum-crc32` → base64), without the trailer signature.
   * @throws Error before the body has been read to its end.
   */
  trailers(): ReadonlyMap<string, string>;
}

const SIGNED_FORMS: readonly string[] = ['STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER'];
const FORMS: readonly string[] = [...SIGNED_FORMS, 'STREAMING-UNSIGNED-PAYLOAD-TRAILER'];
/** The hex SHA-256 of no bytes (FIPS 180-4): a chunk signature's empty line, and what a bodiless request signs. */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
/** The longest chunk header or trailer line held (a signed chunk header is about 90 bytes). */
const MAX_LINE_BYTES = 4096;
/** The most trailer lines accepted (clients send one checksum and, signed, its signature). */
const MAX_TRAILERS = 16;
const CR = 0x0d;
const LF = 0x0a;
const INCOMPLETE_BODY = 'You did not provide the number of bytes specified by the Content-Length HTTP header.';

/**
 * Whether a request's body is aws-chunked: `Content-Encoding` names `aws-chunked`, or
 * `x-amz-content-sha256` is a `STREAMING-` form (s3-sse.md §5.5 "What the server must do" 1).
 * @example isAwsChunked({ 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER' }) // true
 */
export function isAwsChunked(headers: Readonly<Record<string, string | undefined>>): boolean {
  const encoding = headers['content-encoding'];
  // Most requests send no Content-Encoding: nothing to split then.
  if (encoding !== undefined && encoding !== '' && encoding.split(',').some((part) => part.trim().toLowerCase() === 'aws-chunked')) return true;
  return (headers['x-amz-content-sha256'] ?? '').startsWith('STREAMING-');
}

/**
 * Decodes an aws-chunked body as it streams (see the module documentation).
 *
 * @throws ServiceError (while iterating) SignatureDoesNotMatch (403) for a chunk or trailer
 *   signature that does not verify or is missing; IncompleteBody (400) for a body that ends early
 *   or decodes shorter than `x-amz-decoded-content-length`; InvalidRequest (400) for malformed
 *   framing or a longer body; MalformedTrailerError (400) for trailers other than those promised.
 * @throws ServiceError (at once) MissingContentLength (411) without a decoded length;
 *   InvalidRequest for a form that is not aws-chunked.
 * @example
 * ```ts
 * const body = decodeAwsChunked(request, { form: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', decodedContentLength: '11', trailer: 'x-amz-checksum-crc32' });
 * for await (const bytes of body) store(bytes);
 * body.trailers().get('x-amz-checksum-crc32'); // 'DUoRhQ=='
 * ```
 */
export function decodeAwsChunked(source: AsyncIterable<Uint8Array>, options: AwsChunkedOptions): AwsChunkedBody {
  if (!FORMS.includes(options.form)) throw new ServiceError('InvalidRequest', `x-amz-content-sha256 '${options.form}' is not an aws-chunked form.`);
  const text = options.decodedContentLength;
  // versitygw's AWS-checked suite: a streaming upload without its decoded length is 411.
  if (text === undefined || !/^\d{1,15}$/.test(text)) throw new ServiceError('MissingContentLength', 'You must provide the Content-Length HTTP header.');
  const decodedLength = Number(text);
  const promised = (options.trailer ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  let trailers: Map<string, string> | undefined;
  return {
    decodedLength,
    promisedTrailers: promised,
    trailers() {
      if (trailers === undefined) throw new Error('the trailers are known once the body has been read to its end');
      return trailers;
    },
    [Symbol.asyncIterator]() {
      return decode(source, options, decodedLength, promised, (found) => {
        trailers = found;
      })[Symbol.asyncIterator]();
    },
  };
}

type Phase = 'header' | 'data' | 'data-cr' | 'data-lf' | 'trailer' | 'done';

async function* decode(
  source: AsyncIterable<Uint8Array>,
  options: AwsChunkedOptions,
  decodedLength: number,
  promised: readonly string[],
  finish: (trailers: Map<string, string>) => void,
): AsyncGenerator<Uint8Array> {
  const signed = SIGNED_FORMS.includes(options.form);
  const signing = signed ? options.chunkSigning : undefined;
  let previous = signing?.seedSignature ?? '';
  // One object, not a `let`: the line handler below changes the phase too.
  const state: { phase: Phase } = { phase: 'header' };
  let line: number[] = [];
  let remaining = 0;
  let decoded = 0;
  let chunkSignature = '';
  let hash: Hash = createHash('sha256');
  const trailers = new Map<string, string>();
  let trailerSignature: string | undefined;
  let trailerText = '';

  /** A whole line has arrived (without its CRLF): act on it. */
  const onLine = async (text: string): Promise<void> => {
    if (state.phase === 'header') {
      const { size, signature } = parseChunkHeader(text, signed);
      if (size > decodedLength - decoded) throw malformed('The decoded aws-chunked body is longer than x-amz-decoded-content-length.');
      chunkSignature = signature;
      if (size === 0) {
        await checkChunk(createHash('sha256').digest('hex'));
        state.phase = 'trailer';
      } else {
        remaining = size;
        state.phase = 'data';
      }
      return;
    }
    // Trailer section: lines until an empty one.
    if (text === '') {
      await endTrailers();
      state.phase = 'done';
      return;
    }
    const colon = text.indexOf(':');
    if (colon <= 0 || trailers.size >= MAX_TRAILERS) throw malformedTrailer();
    const name = text.slice(0, colon).trim().toLowerCase();
    const value = text.slice(colon + 1).trim();
    if (name === 'x-amz-trailer-signature') {
      if (!signed || trailerSignature !== undefined) throw malformedTrailer();
      trailerSignature = value;
    } else {
      if (!promised.includes(name) || trailers.has(name) || trailerSignature !== undefined) throw malformedTrailer();
      trailers.set(name, value);
      trailerText += `${name}:${value}\n`;
    }
  };

  /** The chunk just read (its data hashed) must carry the signature chained from the previous one. */
  const checkChunk = async (dataSha256: string): Promise<void> => {
    if (signing === undefined) return;
    const expected = await signing.sign(['AWS4-HMAC-SHA256-PAYLOAD', signing.amzDate, signing.scope, previous, EMPTY_SHA256, dataSha256].join('\n'));
    if (!constantTimeEqual(expected, chunkSignature)) throw signatureMismatch();
    previous = expected;
  };

  const endTrailers = async (): Promise<void> => {
    for (const name of promised) if (!trailers.has(name)) throw malformedTrailer();
    if (options.form === 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER') {
      if (trailerSignature === undefined) throw signatureMismatch();
      if (signing !== undefined) {
        const trailerSha256 = createHash('sha256').update(trailerText).digest('hex');
        const expected = await signing.sign(['AWS4-HMAC-SHA256-TRAILER', signing.amzDate, signing.scope, previous, trailerSha256].join('\n'));
        if (!constantTimeEqual(expected, trailerSignature)) throw signatureMismatch();
      }
    }
  };

  for await (const piece of source) {
    let offset = 0;
    while (offset < piece.length) {
      if (state.phase === 'data') {
        const take = Math.min(remaining, piece.length - offset);
        const data = piece.subarray(offset, offset + take);
        offset += take;
        remaining -= take;
        decoded += take;
        if (signing !== undefined) hash.update(data);
        if (remaining === 0) state.phase = 'data-cr';
        yield data;
      } else if (state.phase === 'data-cr' || state.phase === 'data-lf') {
        const byte = piece[offset++];
        if (byte !== (state.phase === 'data-cr' ? CR : LF)) throw malformed('A chunk is not followed by CRLF: its size does not match its data.');
        if (state.phase === 'data-lf') {
          await checkChunk(hash.digest('hex'));
          hash = createHash('sha256');
          state.phase = 'header';
        } else state.phase = 'data-lf';
      } else if (state.phase === 'done') {
        throw malformed('Data follows the end of the aws-chunked body.');
      } else {
        // A header or trailer line, collected up to its LF.
        const newline = piece.indexOf(LF, offset);
        const end = newline < 0 ? piece.length : newline;
        for (let index = offset; index < end; index++) line.push(piece[index] as number);
        if (line.length > MAX_LINE_BYTES) throw malformed('A chunk header or trailer line is too long.');
        offset = newline < 0 ? piece.length : newline + 1;
        if (newline >= 0) {
          if (line[line.length - 1] !== CR) throw malformed('A chunk header or trailer line does not end with CRLF.');
          const text = Buffer.from(line.slice(0, -1)).toString('latin1');
          line = [];
          await onLine(text);
        }
      }
    }
  }
  if (state.phase !== 'done' || decoded !== decodedLength) throw new ServiceError('IncompleteBody', INCOMPLETE_BODY);
  finish(trailers);
}

/** `<hex-size>[;chunk-signature=<64 hex>]`: the size, and the signature a signed form requires. */
function parseChunkHeader(text: string, signed: boolean): { size: number; signature: string } {
  const [sizeText = '', ...extensions] = text.split(';');
  if (!/^[0-9a-fA-F]{1,13}$/.test(sizeText)) throw malformed(`A chunk size is not hexadecimal: '${sizeText.slice(0, 32)}'.`);
  let signature = '';
  for (const extension of extensions) {
    const equals = extension.indexOf('=');
    if (equals > 0 && extension.slice(0, equals).trim() === 'chunk-signature') signature = extension.slice(equals + 1).trim();
  }
  if (signed && signature === '') throw signatureMismatch();
  return { size: Number.parseInt(sizeText, 16), signature };
}

function signatureMismatch(): ServiceError {
  return new ServiceError('SignatureDoesNotMatch', S3_SIGNATURE_MISMATCH);
}

/**
 * UNCONFIRMED: S3's answer to malformed aws-chunked framing or a decoded body longer than its
 * declared length has no capture; 400 InvalidRequest with Strongbox's own words.
 */
function malformed(message: string): ServiceError {
  return new ServiceError('InvalidRequest', message);
}

/** S3's error for trailing headers that do not fit what `x-amz-trailer` promised (ErrorResponses). */
function malformedTrailer(): ServiceError {
  return new ServiceError('MalformedTrailerError', 'The request contained trailing data that was not well-formed or did not conform to our published schema.');
}
