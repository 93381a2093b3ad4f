/**
 * A listing's integer argument that is no 32-bit integer (`max-keys`, `max-uploads`, `max-parts`,
 * `part-number-marker`) is refused before the bucket is looked up, a negative one after it, and
 * in that order whichever way the call comes: the in-process API (`s3.send`), an SDK client
 * through the in-process handler, and an SDK client over a socket.
 *
 * S3's order: brekkylab/backlot, measured against S3 (us-east-1, 2026-09-29; its S3 router's
 * `_int32_param`): `max-keys`, `max-uploads` and `max-parts` of `abc`, a space or past the 32-bit
 * range are refused before the bucket (`?uploadId=x&max-parts=abc` is the 400 in a bucket that does
 * not exist), a negative value after it; getmoto/moto#4624 (verified against AWS) for `max-parts`
 * and `part-number-marker` past the range.
 */

import {
  ListMultipartUploadsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  ListPartsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { OperationName } from '../../src/service/s3.ts';
import { catchS3Async } from '../helpers/errors.ts';
import { sdkError, served } from '../helpers/wire.ts';

/** One past the largest 32-bit integer. */
const PAST = 2 ** 31;
const NOT_AN_INTEGER = (name: string): string => `Provided ${name} not an integer or within integer range`;

/** An SDK client's error, with the members S3 names. */
type SdkError = Awaited<ReturnType<typeof sdkError>> & { ArgumentName?: string; ArgumentValue?: string };

/** An answer as `[status, Code, Message, ArgumentName, ArgumentValue]`. */
type Answer = [number | undefined, string | undefined, string, unknown, unknown];

/** One listing call of a bucket nobody created, as the in-process API and as an SDK command. */
interface Call {
  readonly name: OperationName;
  readonly input: Record<string, unknown>;
  send(client: S3Client, input: Record<string, unknown>): Promise<unknown>;
}

const UPLOAD = { Key: 'k', UploadId: 'x' };
const CALLS: readonly (readonly [string, Call, Record<string, unknown>, string])[] = [
  [
    'ListParts max-parts',
    { name: 'ListParts', input: UPLOAD, send: (client, input) => client.send(new ListPartsCommand(input as never)) },
    { MaxParts: PAST },
    'max-parts',
  ],
  [
    'ListParts part-number-marker',
    { name: 'ListParts', input: UPLOAD, send: (client, input) => client.send(new ListPartsCommand(input as never)) },
    { PartNumberMarker: String(PAST) },
    'part-number-marker',
  ],
  [
    'ListMultipartUploads max-uploads',
    { name: 'ListMultipartUploads', input: {}, send: (client, input) => client.send(new ListMultipartUploadsCommand(input as never)) },
    { MaxUploads: PAST },
    'max-uploads',
  ],
  [
    'ListObjects max-keys',
    { name: 'ListObjects', input: {}, send: (client, input) => client.send(new ListObjectsCommand(input as never)) },
    { MaxKeys: PAST },
    'max-keys',
  ],
  [
    'ListObjectsV2 max-keys',
    { name: 'ListObjectsV2', input: {}, send: (client, input) => client.send(new ListObjectsV2Command(input as never)) },
    { MaxKeys: PAST },
    'max-keys',
  ],
  [
    'ListObjectVersions max-keys',
    { name: 'ListObjectVersions', input: {}, send: (client, input) => client.send(new ListObjectVersionsCommand(input as never)) },
    { MaxKeys: PAST },
    'max-keys',
  ],
];

/** The answer of each transport to `call` with `argument`, at the bucket `absent`. */
async function answers(call: Call, argument: Record<string, unknown>): Promise<Record<string, Answer>> {
  const { engine, client, inProcess, close } = await served('wire');
  try {
    const input = { Bucket: 'absent', ...call.input, ...argument };
    const api = await catchS3Async(() => engine.s3.send(call.name, input as never));
    const field = (name: string): string | undefined => api.fields.find(([field]) => field === name)?.[1];
    const byApi: Answer = [api.status, api.code, api.message, field('ArgumentName'), field('ArgumentValue')];
    const bySdk = async (sdk: S3Client): Promise<Answer> => {
      const error: SdkError = await sdkError(call.send(sdk, input));
      return [error.$metadata.httpStatusCode, error.name, error.message, error.ArgumentName, error.ArgumentValue];
    };
    return { api: byApi, inProcess: await bySdk(inProcess), socket: await bySdk(client) };
  } finally {
    await close();
  }
}

describe('a listing argument that is no 32-bit integer, at a bucket that does not exist', () => {
  it.each(CALLS)('%s past the range: 400 before the bucket, on every transport', async (_, call, argument, name) => {
    const expected: Answer = [400, 'InvalidArgument', NOT_AN_INTEGER(name), name, String(PAST)];
    expect(await answers(call, argument)).toEqual({ api: expected, inProcess: expected, socket: expected });
  });

  it.each(CALLS)('%s negative: NoSuchBucket first, on every transport', async (_, call, argument) => {
    const negative = Object.fromEntries(Object.entries(argument).map(([member, value]) => [member, typeof value === 'number' ? -1 : '-1']));
    const expected: Answer = [404, 'NoSuchBucket', 'The specified bucket does not exist', undefined, undefined];
    expect(await answers(call, negative)).toEqual({ api: expected, inProcess: expected, socket: expected });
  });
});
