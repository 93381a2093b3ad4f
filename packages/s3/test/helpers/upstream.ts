/**
 * Test upstreams for the upstream store: s3rver (a third-party S3 server from npm) on a real
 * socket, and a proxy in front of it that can fail chosen requests the ways an upstream fails
 * (an S3 error answer, or a connection cut mid-request), and records what it forwarded.
 */

import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { tempDirectory } from './temp.ts';

/** s3rver's fixed credentials. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/** A running s3rver. */
export interface RunningS3rver {
  readonly endpoint: string;
  /** Where s3rver keeps the objects it stores (scanned for plaintext by the tests). */
  readonly directory: string;
  /** A client for it, configured as the brief requires for s3rver. */
  readonly client: S3Client;
  close(): Promise<void>;
}

/** Starts s3rver on a free port of 127.0.0.1 with the given buckets. */
export async function startS3rver(buckets: readonly string[]): Promise<RunningS3rver> {
  const directory = tempDirectory('s3rver');
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory });
  const address = (await server.run()) as AddressInfo;
  const endpoint = `http://127.0.0.1:${address.port}`;
  const client = upstreamClient(endpoint);
  for (const bucket of buckets) await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return {
    endpoint,
    directory,
    client,
    close: async () => {
      client.destroy();
      await server.close();
    },
  };
}

/** An SDK client for a test upstream: path style, s3rver's credentials, checksums only when required. */
export function upstreamClient(endpoint: string, options: { maxAttempts?: number } = {}): S3Client {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: S3RVER_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...options,
  });
}

/** Every key in an upstream bucket. */
export async function upstreamKeys(client: S3Client, bucket: string, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
    token = page.NextContinuationToken;
  } while (token !== undefined);
  return keys;
}

/** One request the proxy saw. */
export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly range: string | undefined;
  /** Response body bytes forwarded to the client. */
  responseBytes: number;
}

/** How to fail a request: answer an S3 error, or cut the connection once part of the body arrived. */
export type Fault = { readonly status: number; readonly code: string } | 'cut';

/** A proxy in front of an upstream. */
export interface FaultProxy {
  readonly endpoint: string;
  readonly seen: SeenRequest[];
  /** Decides, per request, whether to fail it (undefined: forward it). */
  fault: ((request: IncomingMessage) => Fault | undefined) | undefined;
  /** Forward requests without their Range header, as a server that ignores ranges answers. */
  ignoreRanges: boolean;
  close(): Promise<void>;
}

/** Starts a forwarding proxy to `target` (an http://host:port endpoint). */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const proxy: FaultProxy = { endpoint: '', seen: [], fault: undefined, ignoreRanges: false, close: async () => {} };
  const server: Server = createServer((incoming, outgoing) => {
    const record: SeenRequest = { method: incoming.method ?? '', url: incoming.url ?? '', range: incoming.headers.range, responseBytes: 0 };
    proxy.seen.push(record);
    const fault = proxy.fault?.(incoming);
    if (fault === 'cut') {
      // Let some of the body arrive, then drop the connection: a failure mid-upload.
      incoming.once('data', () => incoming.socket.destroy());
      incoming.once('end', () => incoming.socket.destroy());
      return;
    }
    if (fault !== undefined) {
      incoming.resume();
      incoming.once('end', () => {
        outgoing.writeHead(fault.status, { 'content-type': 'application/xml' });
        outgoing.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${fault.code}</Code><Message>injected</Message><RequestId>1</RequestId></Error>`);
      });
      return;
    }
    const headers = { ...incoming.headers };
    if (proxy.ignoreRanges) delete headers.range;
    const forwarded = httpRequest({ host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.on('data', (chunk: Buffer) => {
        record.responseBytes += chunk.length;
      });
      answer.pipe(outgoing);
    });
    forwarded.on('error', () => outgoing.destroy());
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(proxy, {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
