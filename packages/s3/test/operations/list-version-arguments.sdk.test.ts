/**
 * ListObjects (V1) refuses ListObjectsV2's `continuation-token` and `start-after`, and
 * ListObjectsV2 refuses V1's `marker`, with S3's own 400: InvalidArgument, its own message, the
 * parameter as `ArgumentName` and no `ArgumentValue`, an empty value as any other, before the
 * bucket is looked up and before the credential; after a `max-keys` that does not parse and before
 * a `versionId`. A V1 request sending both V2 parameters is refused for `continuation-token`. A
 * HEAD of a bucket refuses them the same way, as its status alone.
 *
 * brekkylab/backlot, measured against S3 (us-east-1; `backlot/routers/s3.py` at commit
 * 07bef4332838e4c4ee55118732a8ac1520f70d16, `_V2_ONLY`, `_V1_ONLY`, `_listing_parse`,
 * `head_bucket`): the messages, the members, the empty value, the order of the two V2 parameters
 * and "each of these on a bucket that does not exist is the 400 and not NoSuchBucket" (2026-09-14);
 * `?start-after=x&max-keys=abc` on a V1 request is the max-keys refusal; the HEAD "reads the
 * listing's parameters the way the listing's GET does ... the other version's parameters before the
 * credential and the bucket" (2026-09-29, beside the GET, on a public bucket and a name nobody
 * owns); `list-type=1` and any value but 2 is V1 (2026-09-14).
 */

import { ListObjectsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { argued, sdkError, served, wireRefusal, withOpenAndStrict, wronglySigned } from '../helpers/wire.ts';

const CONTINUATION_TOKEN = 'continuation-token only supported in REST.GET.BUCKET with list-type=2';
const START_AFTER = 'startAfter only supported in REST.GET.BUCKET with list-type=2';
const MARKER = 'Marker unsupported with REST.GET.BUCKET in list-type=2';

describe('a listing refuses the other listing version’s parameters', () => {
  it.each([
    ['/absent?continuation-token=x', CONTINUATION_TOKEN, 'continuation-token'],
    ['/absent?continuation-token=', CONTINUATION_TOKEN, 'continuation-token'],
    ['/absent?start-after=x', START_AFTER, 'start-after'],
    ['/absent?start-after=', START_AFTER, 'start-after'],
    ['/absent?list-type=1&start-after=x', START_AFTER, 'start-after'],
    ['/absent?start-after=x&continuation-token=y', CONTINUATION_TOKEN, 'continuation-token'],
    ['/absent?list-type=2&marker=x', MARKER, 'marker'],
    ['/absent?list-type=2&marker=', MARKER, 'marker'],
    ['/wire?start-after=x&versionId=v', START_AFTER, 'start-after'],
    ['/wire?list-type=2&marker=x&versionId=v', MARKER, 'marker'],
  ])('GET %s: 400 before the bucket, unsigned and over a wrong secret alike', async (path, message, name) => {
    await withOpenAndStrict(async ({ open, strict }) => {
      const expected = [400, 'InvalidArgument', message, argued(name)];
      const url = `${strict.server.url}${path}`;
      expect({
        open: await wireRefusal(await fetch(`${open.server.url}${path}`)),
        unsigned: await wireRefusal(await fetch(url)),
        wrong: await wireRefusal(await fetch(url, { headers: await wronglySigned(url) })),
      }).toEqual({ open: expected, unsigned: expected, wrong: expected });
    });
  });

  it('a max-keys that does not parse is refused first', async () => {
    const { server, close } = await served('wire');
    try {
      expect(await wireRefusal(await fetch(`${server.url}/absent?start-after=x&max-keys=abc`))).toEqual([
        400,
        'InvalidArgument',
        'Provided max-keys not an integer or within integer range',
        argued('max-keys', 'abc'),
      ]);
    } finally {
      await close();
    }
  });

  it('each listing still takes its own parameters, and one with a well-formed query is refused for its credential', async () => {
    await withOpenAndStrict(async ({ open, strict }) => {
      expect({
        v1: (await fetch(`${open.server.url}/wire?marker=a`)).status,
        v2: (await fetch(`${open.server.url}/wire?list-type=2&start-after=a`)).status,
        unsigned: (await wireRefusal(await fetch(`${strict.server.url}/wire?marker=a`))).slice(0, 2),
      }).toEqual({ v1: 200, v2: 200, unsigned: [403, 'AccessDenied'] });
    });
  });

  it('an SDK call that adds the other version’s parameter gets the 400, in process and over a socket', async () => {
    const { client, inProcess, close } = await served('wire');
    try {
      const answers = [];
      for (const sdk of [client, inProcess]) {
        const v1 = new ListObjectsCommand({ Bucket: 'absent' });
        v1.middlewareStack.add(
          (next) => async (args) => {
            (args.request as { query: Record<string, string> }).query['start-after'] = 'a';
            return next(args);
          },
          { step: 'build' },
        );
        const v2 = new ListObjectsV2Command({ Bucket: 'absent' });
        v2.middlewareStack.add(
          (next) => async (args) => {
            (args.request as { query: Record<string, string> }).query.marker = 'a';
            return next(args);
          },
          { step: 'build' },
        );
        for (const error of [await sdkError(sdk.send(v1)), await sdkError(sdk.send(v2))]) {
          const e = error as typeof error & { ArgumentName?: string; ArgumentValue?: string };
          answers.push([e.$metadata.httpStatusCode, e.Code, e.message, e.ArgumentName, e.ArgumentValue]);
        }
      }
      const v1 = [400, 'InvalidArgument', START_AFTER, 'start-after', undefined];
      const v2 = [400, 'InvalidArgument', MARKER, 'marker', undefined];
      expect(answers).toEqual([v1, v2, v1, v2]);
    } finally {
      await close();
    }
  });
});

describe('a HEAD of a bucket refuses the other listing version’s parameters as its status alone', () => {
  it('HEAD ?continuation-token, ?start-after, ?list-type=2&marker: 400 before the credential and the bucket', async () => {
    await withOpenAndStrict(async ({ open, strict }) => {
      const head = async (url: string, headers: Record<string, string> = {}): Promise<number> => (await fetch(url, { method: 'HEAD', headers })).status;
      const wrongUrl = `${strict.server.url}/wire?continuation-token=x`;
      expect({
        token: await head(`${open.server.url}/absent?continuation-token=x`),
        startAfter: await head(`${open.server.url}/wire?start-after=`),
        marker: await head(`${open.server.url}/wire?list-type=2&marker=x`),
        unsigned: await head(`${strict.server.url}/absent?list-type=2&marker=x`),
        wrongSecret: await head(wrongUrl, await wronglySigned(wrongUrl, 'HEAD')),
        ownV1: await head(`${open.server.url}/wire?marker=x`),
        ownV2: await head(`${open.server.url}/wire?list-type=2&start-after=x`),
      }).toEqual({ token: 400, startAfter: 400, marker: 400, unsigned: 400, wrongSecret: 400, ownV1: 200, ownV2: 200 });
    });
  });
});
