/**
 * @module
 * What S3 answers a method no S3 operation is, before the path, the query or the credential is
 * read: an OPTIONS (a CORS preflight) and a method S3 defines nothing for.
 *
 * An OPTIONS is answered by S3's CORS front end, the same at the service, a bucket and a key,
 * unsigned and signed alike, a bad secret included (brekkylab/backlot, measured against S3
 * us-east-1 2026-09-23/29/30, `backlot/routers/s3.py` at commit
 * 07bef4332838e4c4ee55118732a8ac1520f70d16, the method table and `_cors_preflight`): without an
 * `Origin`, or with an empty one, 400 BadRequest "Insufficient information. Origin request header
 * needed."; with one, an `Access-Control-Request-Method` other than the seven S3 takes (case and
 * all: `put`, `Get`, `TRACE` are refused) its 400, else 403 AccessForbidden naming the method asked
 * (`OPTIONS` without one or with an empty one) and `ResourceType` `BUCKET`. No bucket here has a
 * CORS configuration (PutBucketCors is not served), so a bucket's and a key's 403 says CORS is not
 * enabled; S3 says "Bucket not found" for a bucket that does not exist, which this answer, given
 * before the bucket is looked up, does not tell apart (as backlot's does not).
 *
 * A method S3 defines nothing for (TRACE, PROPFIND, LINK) is 400 BadRequest "An error occurred when
 * parsing the HTTP request.", no `Allow` (backlot `backlot/errors/s3.py` at commit
 * 3d76ddfc61e0ecc060e25a29cd5b793146ea05ff, measured 2026-09-22/23: TRACE at the service, a bucket
 * and a key). That it comes before the credential is UNCONFIRMED (backlot answers it before any
 * route runs; whether its requests were signed is not stated).
 */

import { S3Error } from '../errors.ts';
import type { PathTarget } from './binding.ts';

/** The methods S3 answers as its operations (or their 405s) rather than as an unparseable request. */
const S3_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'PATCH']);

/** The `Access-Control-Request-Method` values S3's preflight takes, compared with case. */
const PREFLIGHT_METHODS: ReadonlySet<string> = new Set([...S3_METHODS, 'OPTIONS']);

const OPTIONS = 'OPTIONS';

/**
 * S3's refusal of a request by its method alone, or `undefined` when its method is an S3 one.
 * `method` is upper case (HTTP methods are case-sensitive; node:http parses upper case only).
 * @example
 * ```ts
 * // From packages/s3: not exported by '@strongbox/s3'.
 * import { methodRefusal } from './src/protocol/method-refusals.ts';
 * methodRefusal('OPTIONS', 'bucket', {})?.code; // 'BadRequest'
 * ```
 */
export function methodRefusal(method: string, target: PathTarget, headers: Readonly<Record<string, string | undefined>>): S3Error | undefined {
  // The usual requests first, at two comparisons.
  if (method === 'GET' || method === 'PUT' || S3_METHODS.has(method)) return undefined;
  if (method !== OPTIONS) return new S3Error('UnparseableMethod');
  if (!headers['origin']) return new S3Error('PreflightWithoutOrigin');
  const asked = headers['access-control-request-method'] || OPTIONS;
  if (!PREFLIGHT_METHODS.has(asked)) return new S3Error('PreflightInvalidMethod', { detail: { value: asked } });
  const fields = [
    ['Method', asked],
    ['ResourceType', 'BUCKET'],
  ] as const;
  return new S3Error(target === 'service' ? 'PreflightNoBucket' : 'PreflightCorsDisabled', { fields });
}
