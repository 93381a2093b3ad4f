/**
 * Whether a HEAD naming a subresource carries a credential decides when it gets its 405: at once
 * when it carries none, after the credential when it does (a credential that fails is refused
 * first). The authenticator's own test decides it (the kernel's `signatureFormOf`): an
 * `Authorization` header, or a presigned URL's `X-Amz-Algorithm`. A presigned URL missing its
 * `X-Amz-Signature` is a credential, refused for the missing parameter (400). A Signature Version 2
 * query (`Signature`, `AWSAccessKeyId`, `Expires`) is a credential too, which Strongbox does not
 * verify: unsigned without strict authentication, refused first (400) with it.
 *
 * brekkylab/backlot, measured against S3 (us-east-1, 2026-09-29; `backlot/auth.py`,
 * `resolve_sigv4` and `_resolve_v4_query`, and `backlot/routers/s3.py`, `_signature_refusal`): "A
 * V4 presigned request is one carrying `X-Amz-Algorithm` ... an `X-Amz-Signature` without the
 * first ... [is] unsigned on real"; a presign lacking one of its six parameters is 400
 * `AuthorizationQueryParametersError`; "a signature that fails and an access key AWS does not know
 * are each refused first" ahead of the selector's 405. S3 reads a `Signature` query as a SigV2
 * credential (same source), which Strongbox does not verify (README, "Known differences").
 */

import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { CREDENTIALS, openAndStrict, REGION, wronglySigned } from '../helpers/wire.ts';

/** A SigV4 presigned URL of `url` for `method`, signed with `secretAccessKey` for the `test` key. */
async function presigned(url: string, method: string, secretAccessKey = CREDENTIALS.secretAccessKey): Promise<string> {
  const { host, pathname, searchParams, origin } = new URL(url);
  const query: Record<string, string> = {};
  for (const [name, value] of searchParams) query[name] = value;
  const signer = new SignatureV4({
    service: 's3',
    region: REGION,
    credentials: { accessKeyId: CREDENTIALS.accessKeyId, secretAccessKey },
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: false,
  });
  // As the SDK's S3RequestPresigner: the payload is UNSIGNED-PAYLOAD, and that header is not sent.
  const signed = await signer.presign(
    { method, protocol: 'http:', hostname: host, path: pathname, query, headers: { host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } },
    { expiresIn: 300, unhoistableHeaders: new Set(['x-amz-content-sha256']), unsignableHeaders: new Set(['x-amz-content-sha256']) },
  );
  const search = new URLSearchParams(signed.query as Record<string, string>).toString();
  return `${origin}${pathname}?${search}`;
}

describe('a HEAD naming a subresource, by the credential it carries', () => {
  const endpoints = openAndStrict();

  /** The status of a HEAD of `path` sent as `form` makes it, on the open and on the strict endpoint. */
  const statuses = async (path: string, form: (url: string) => Promise<[string, Record<string, string>]>): Promise<{ open: number; strict: number }> => {
    const status = async (base: string): Promise<number> => {
      const [url, headers] = await form(`${base}${path}`);
      const response = await fetch(url, { method: 'HEAD', headers });
      expect(await response.text()).toBe('');
      return response.status;
    };
    return { open: await status(endpoints.open.server.url), strict: await status(endpoints.strict.server.url) };
  };

  it('none: the 405 at once', async () => {
    expect(await statuses('/wire?acl', async (url) => [url, {}])).toEqual({ open: 405, strict: 405 });
  });

  // Not strict, the `test` key is unknown and stands for the root unverified: the 405.
  it('an Authorization header that fails: its 403 first', async () => {
    expect(await statuses('/wire?acl', async (url) => [url, await wronglySigned(url, 'HEAD')])).toEqual({ open: 405, strict: 403 });
  });

  it('a presigned URL that verifies: the 405', async () => {
    expect(await statuses('/wire?acl', async (url) => [await presigned(url, 'HEAD'), {}])).toEqual({ open: 405, strict: 405 });
  });

  it('a presigned URL over a wrong secret: its 403 first', async () => {
    expect(await statuses('/wire/k?tagging', async (url) => [await presigned(url, 'HEAD', 'not-the-secret'), {}])).toEqual({ open: 405, strict: 403 });
  });

  it('a presigned URL missing X-Amz-Signature: a credential, refused for the parameter (400)', async () => {
    const withoutSignature = async (url: string): Promise<[string, Record<string, string>]> => {
      const signed = new URL(await presigned(url, 'HEAD'));
      signed.searchParams.delete('X-Amz-Signature');
      return [signed.toString(), {}];
    };
    expect(await statuses('/wire?versioning', withoutSignature)).toEqual({ open: 400, strict: 400 });
  });

  it('an X-Amz-Signature without X-Amz-Algorithm: unsigned, the 405 at once', async () => {
    expect(await statuses('/wire?acl&X-Amz-Signature=abc', async (url) => [url, {}])).toEqual({ open: 405, strict: 405 });
  });

  // A SigV2 query is a credential to S3; Strongbox does not verify it: not strict it acts as
  // unsigned (the 405 after it), strict it is refused first as a SigV2 URL is on any request.
  it('a Signature Version 2 query: a credential, refused first under strict authentication', async () => {
    const v2 = '&AWSAccessKeyId=test&Expires=4102444800&Signature=c2lnbmF0dXJl';
    expect(await statuses(`/wire?acl${v2}`, async (url) => [url, {}])).toEqual({ open: 405, strict: 400 });
    expect(await statuses(`/wire/k?uploadId=x${v2}`, async (url) => [url, {}])).toEqual({ open: 405, strict: 400 });
  });

  it('a Signature Version 2 header: its 400 first in every mode', async () => {
    const v2 = async (url: string): Promise<[string, Record<string, string>]> => [url, { authorization: 'AWS test:c2lnbmF0dXJl' }];
    expect(await statuses('/wire?acl', v2)).toEqual({ open: 400, strict: 400 });
    expect(await statuses('/wire/k?tagging', v2)).toEqual({ open: 400, strict: 400 });
  });
});
