/**
 * @module
 * SigV4 for requests no SDK would send (a wrong secret, a header dropped after signing, a date
 * far off, a chunk signature that does not chain): `@smithy/signature-v4` signs, exactly as the
 * SDKs do, and the raw request goes out through `raw-http.ts`. The aws-chunked chunk signatures
 * are computed with the SigV4 streaming rules (S3 API reference, "Signature Calculations for the
 * Authorization Header: Transferring Payload in Multiple Chunks").
 */

import { createHash, createHmac } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { RawRequest } from './raw-http.ts';

/** Who signs, for which service and when. */
export interface Signer {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly service: string;
  readonly region?: string;
  readonly date?: Date;
}

/** A request to sign: headers by lowercase name; `host` is added. */
export interface Unsigned {
  readonly method: string;
  readonly path: string;
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
}

/**
 * Signs `request` for 127.0.0.1:`port` in the header form (S3: the path as sent, payload hash from
 * `x-amz-content-sha256` when given).
 * @example const raw = await sign(port, { method: 'POST', path: '/', headers, body }, { accessKeyId, secretAccessKey, service: 'kms' });
 */
export async function sign(port: number, request: Unsigned, signer: Signer, options: { readonly unsignable?: readonly string[] } = {}): Promise<RawRequest> {
  const v4 = new SignatureV4({
    service: signer.service,
    region: signer.region ?? 'us-east-1',
    credentials: { accessKeyId: signer.accessKeyId, secretAccessKey: signer.secretAccessKey },
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: signer.service !== 's3',
    applyChecksum: false,
  });
  const headers: Record<string, string> = { host: `127.0.0.1:${port}`, ...request.headers };
  const signed = await v4.sign(
    { method: request.method, protocol: 'http:', hostname: '127.0.0.1', port, path: request.path, query: request.query ?? {}, headers, body: request.body },
    { signingDate: signer.date ?? new Date(), ...(options.unsignable === undefined ? {} : { unsignableHeaders: new Set(options.unsignable) }) },
  );
  const query = new URLSearchParams(request.query ?? {}).toString();
  return {
    method: request.method,
    target: `${request.path}${query === '' ? '' : `?${query}`}`,
    headers: Object.entries(signed.headers).map(([name, value]) => [name.toLowerCase(), String(value)] as [string, string]),
    body: request.body ?? '',
  };
}

/** The parts of an Authorization header. */
export function authorizationParts(raw: RawRequest): { readonly credential: string; readonly signedHeaders: string; readonly signature: string } {
  const header = raw.headers.find(([name]) => name === 'authorization')?.[1] ?? '';
  const part = (name: string) => new RegExp(`${name}=([^,\\s]+)`).exec(header)?.[1] ?? '';
  return { credential: part('Credential'), signedHeaders: part('SignedHeaders'), signature: part('Signature') };
}

/** `raw` with `name` set to `value` (replaced, or added). */
export function withHeader(raw: RawRequest, name: string, value: string | undefined): RawRequest {
  const headers = raw.headers.filter(([header]) => header !== name);
  return { ...raw, headers: value === undefined ? headers : [...headers, [name, value]] };
}

const EMPTY_SHA256 = createHash('sha256').digest('hex');

/**
 * An aws-chunked body (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD`) whose chunk signatures chain from
 * `seedSignature`; `breakAt` signs that chunk from a wrong previous signature instead.
 */
export function signedChunks(chunks: readonly Buffer[], signer: Signer & { readonly date: Date }, seedSignature: string, breakAt?: number): Buffer {
  const region = signer.region ?? 'us-east-1';
  const amzDate = signer.date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${region}/${signer.service}/aws4_request`;
  let key: Buffer = createHmac('sha256', `AWS4${signer.secretAccessKey}`).update(day).digest();
  for (const part of [region, signer.service, 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  let previous = seedSignature;
  const parts: Buffer[] = [];
  for (const [index, chunk] of [...chunks, Buffer.alloc(0)].entries()) {
    const from = index === breakAt ? '0'.repeat(64) : previous;
    const stringToSign = ['AWS4-HMAC-SHA256-PAYLOAD', amzDate, scope, from, EMPTY_SHA256, createHash('sha256').update(chunk).digest('hex')].join('\n');
    const signature = createHmac('sha256', key).update(stringToSign).digest('hex');
    parts.push(Buffer.from(`${chunk.length.toString(16)};chunk-signature=${signature}\r\n`), chunk, Buffer.from('\r\n'));
    previous = signature;
  }
  return Buffer.concat(parts);
}
