/**
 * @module
 * POST Object on the wire: `POST /{bucket}` with a `multipart/form-data` body (S3 API reference,
 * "POST Object"; "Browser-Based Uploads Using POST (AWS Signature Version 4)"). The form's fields
 * are read up to its file (`protocol/post-form.ts`); the form is authenticated by its signed POST
 * policy (`x-amz-algorithm`, `x-amz-credential`, `x-amz-date`, `x-amz-signature`, verified by the
 * kernel) or, with none of those fields, by the request head's own signature when it carries one
 * (its body then checked against the hash the head signed, as every request's), or is anonymous as
 * any unsigned request is; the fields become
 * PutObject's members as if they were its headers (the same binding decodes them), the key's
 * `${filename}` is expanded, and the engine's PostObject runs the policy's conditions and then
 * PutObject itself. The answer is S3's: 204 (or 200, or 201 with a `PostResponse` document, as
 * `success_action_status` asks), or 303 to `success_action_redirect`.
 *
 * Order of the checks, as S3's captured answers show it: the body's type (412), the required
 * fields (400 InvalidArgument naming the first missing one), the signature (403), the policy
 * document (400), its expiration and conditions (403), then the upload itself.
 *
 * A field's value is text, decoded from UTF-8, where a PUT's header is one Latin-1 character per
 * byte: S3 reads them differently too (user metadata "must conform to US-ASCII when you are using
 * REST and to UTF-8 when you are using SOAP or browser-based uploads via POST", S3 User Guide,
 * object metadata). So a form's `x-amz-meta-a: é` answers `=?UTF-8?B?w6k=?=` where a PUT of the
 * same bytes answers the double encoding `=?UTF-8?B?w4PCqQ==?=`, and a form's Content-Disposition
 * `é` is answered as the byte E9, a PUT's as C3 A9. A text no answer can carry (a line break,
 * anything beyond ISO-8859-1 outside user metadata) is refused by PutObject's checks
 * (`checkHeaderText`). UNCONFIRMED for the headers other than user metadata (no capture).
 */

import type { HttpRequestHead, RequestIdentity, StreamingRequest, StreamingResponse } from '@strongbox/service-kernel';
import { S3Error } from '../errors.ts';
import { checkTagSet, taggingHeaderOf } from '../model/tagging.ts';
import { postObject } from '../operations/post-object.ts';
import type { S3Address } from '../protocol/address.ts';
import { baseHeaders, type ResponseIds } from '../protocol/errors.ts';
import { decodeRequest, encodeResponse } from '../protocol/message.ts';
import { payloadOf } from '../protocol/payload.ts';
import { type PostForm, readPostForm } from '../protocol/post-form.ts';
import { parseTaggingDocument } from '../protocol/tagging.ts';
import { escapeText } from '../protocol/xml.ts';
import { callOptionsOf, headOnly, type Mutable } from './call-options.ts';
import type { S3HttpOptions } from './http.ts';
import { identify } from './identity.ts';
import type { CallOptions } from './options.ts';
import type { S3 } from './s3.ts';

/**
 * The SigV4 fields of a form in the order S3 names the first one missing (LS-POST: without
 * algorithm and credential, `X-Amz-Algorithm`; without the signature, `X-Amz-Signature`).
 */
const SIGV4_FIELDS = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Signature'] as const;
/** Fields that name the request's framing, not the object: never read from a form. */
const NOT_FROM_FORM: ReadonlySet<string> = new Set(['content-length', 'x-amz-decoded-content-length', 'x-amz-content-sha256', 'if-match', 'if-none-match']);
const NO_QUERY: ReadonlyMap<string, string> = new Map();
// biome-ignore lint/suspicious/noTemplateCurlyInString: S3's form variable, written literally.
const FILENAME_VARIABLE = '${filename}';

/**
 * Whether a request is a POST Object: `POST` to a bucket with no subresource.
 * @example isPostObject({ method: 'POST', path: '/photos', headers: {} }, { bucket: 'photos', query: new Map() }) // true
 */
export function isPostObject(head: HttpRequestHead, address: S3Address): boolean {
  return head.method.toUpperCase() === 'POST' && address.bucket !== undefined && address.key === undefined && address.query.size === 0;
}

/**
 * Serves a POST Object request (see the module documentation). Rejects with S3's error for the
 * caller to answer; what was not read of the body is left to the edge to drain.
 * @throws S3Error (the form and policy errors, PutObject's) or the kernel's ServiceError (signature).
 * @example return await servePostObject(s3, request, address, ids, options);
 */
export async function servePostObject(
  s3: S3,
  request: StreamingRequest,
  address: S3Address,
  ids: ResponseIds,
  options: S3HttpOptions,
): Promise<StreamingResponse> {
  const bucket = address.bucket as string;
  const signer = await headSigner(request, address, options);
  // The body as the head's signature binds it (its x-amz-content-sha256, aws-chunked framing), as
  // every other S3 request's: a form signed in its head must not be stored with another body.
  const form = await readPostForm(request.headers['content-type'], payloadOf(request, signer, request.body));
  try {
    const fields = fieldValues(form);
    const keyField = fields.get('key');
    // LS-POST and nukulb/s3-angular-file-upload#1: a form without `key` (or with it after the file).
    if (keyField === undefined) throw missingField('key');
    const identity = await authenticate(request, fields, options, signer);
    if (form.file === undefined) throw new S3Error('PostFileCount', { fields: [['ArgumentValue', '0']] });
    const filename = form.file.filename;
    // "The variable ${filename} is automatically replaced with the name of the file provided by
    // the user"; with no `filename` parameter S3 keeps it as written (LS-POST, file as a field).
    // A function replacer: the name is the browser's, and as a replacement string its `$\``, `$'`
    // and `$&` would splice parts of the key in.
    const key = filename === undefined ? keyField : keyField.replaceAll(FILENAME_VARIABLE, () => filename);
    const decoded = decodeRequest(postObject.rest, { headers: headersOf(fields), query: NO_QUERY, body: form.file.body });
    const input = (decoded instanceof Promise ? await decoded : decoded) as Record<string, unknown>;
    input['Bucket'] = bucket;
    input['Key'] = key;
    const policy = fields.get('policy');
    if (identity.signed && policy !== undefined) input['Policy'] = { Document: policy, Fields: form.fields };
    const output = (await s3.send('PostObject', input as never, identity.callOptions(request, ids))) as unknown as Record<string, unknown>;
    return answer(request, bucket, key, fields, output, ids);
  } catch (error) {
    form.discard();
    throw error;
  }
}

/** The form's fields by lowercase name, the first of each (names are case-insensitive: "post parameters are case insensitive"). */
function fieldValues(form: PostForm): Map<string, string> {
  const fields = new Map<string, string>();
  for (const [name, value] of form.fields) {
    const lower = name.toLowerCase();
    if (!fields.has(lower)) fields.set(lower, value);
  }
  return fields;
}

/**
 * The fields as PutObject's headers, so that PutObject's binding reads them and its handler checks
 * and stores them as it does a PUT's ("Parameters that are passed to PUT through HTTP headers are
 * instead passed as form fields to POST", POST Object): Content-Type, Cache-Control,
 * Content-Disposition, Content-Encoding, Expires, x-amz-website-redirect-location,
 * x-amz-storage-class, x-amz-meta-* (names lowercased, as S3 stores them: LS-POST), the encryption
 * fields and the checksum values (`x-amz-checksum-<algorithm>`, PutObject's own header names). The
 * one field named otherwise is the checksum algorithm: `x-amz-checksum-algorithm` in a form,
 * `x-amz-sdk-checksum-algorithm` on a PUT (UNCONFIRMED: the form field's name is the one S3's
 * other writes give the header, CreateMultipartUpload's and CopyObject's; no capture of S3 reading
 * it from a form). The `tagging` field is a Tagging document ("The specified set of tags to add
 * to the object", POST Object, `tagging`: `<Tagging><TagSet>…`), handed to PutObject as its
 * `x-amz-tagging` header, a form's own `x-amz-tagging` field being no POST parameter. `acl`
 * reaches PutObject too, which does not take it (no ACLs: see the README's known differences).
 * @throws S3Error MalformedXML for a `tagging` field that is not a Tagging document; the tag set's
 *   InvalidTag and BadRequest errors (`checkTagSet`).
 */
function headersOf(fields: ReadonlyMap<string, string>): Record<string, string | undefined> {
  const headers = Object.create(null) as Record<string, string | undefined>;
  for (const [name, value] of fields) if (!NOT_FROM_FORM.has(name)) headers[name] = value;
  const algorithm = fields.get('x-amz-checksum-algorithm');
  if (algorithm !== undefined && headers['x-amz-sdk-checksum-algorithm'] === undefined) headers['x-amz-sdk-checksum-algorithm'] = algorithm;
  delete headers['x-amz-tagging'];
  const tagging = fields.get('tagging');
  if (tagging !== undefined) {
    const tags = parseTaggingDocument(tagging);
    // Checked as a document's tags (a key twice is InvalidTag, not the header's InvalidArgument).
    checkTagSet(tags);
    headers['x-amz-tagging'] = taggingHeaderOf(tags);
  }
  return headers;
}

interface FormIdentity {
  readonly signed: boolean;
  callOptions(request: StreamingRequest, ids: ResponseIds): CallOptions;
}

/**
 * Who sent the form: the signer of its policy, or (with no signing field) an anonymous caller, as
 * the authenticator treats any unsigned request.
 */
async function authenticate(
  request: StreamingRequest,
  fields: ReadonlyMap<string, string>,
  options: S3HttpOptions,
  signer: RequestIdentity | undefined,
): Promise<FormIdentity> {
  const present = SIGV4_FIELDS.filter((name) => fields.has(name.toLowerCase()));
  if (present.length > 0) {
    const missing = SIGV4_FIELDS.find((name) => !fields.has(name.toLowerCase()));
    if (missing !== undefined) throw missingField(missing);
    // UNCONFIRMED text: a signed form without its policy (no capture); named as the others are.
    const policy = fields.get('policy');
    if (policy === undefined) throw missingField('Policy');
    const verified = await verify(options, {
      policy,
      algorithm: fields.get('x-amz-algorithm') as string,
      credential: fields.get('x-amz-credential') as string,
      date: fields.get('x-amz-date') as string,
      signature: fields.get('x-amz-signature') as string,
    });
    return { signed: true, callOptions: (request, ids) => signedCallOptions(request, ids, verified) };
  }
  // A SigV2 form (`AWSAccessKeyId`, `signature`): Strongbox verifies SigV4 only.
  if (fields.has('awsaccesskeyid') || fields.has('signature')) throw new S3Error('PostSignatureV2');
  // Anonymous (LS-POST: `key` and `policy` alone draw 403 Access Denied on a private bucket): as
  // every unsigned request, the anonymous caller under strict authentication (which a bucket
  // policy for "*" may allow to upload), the account root otherwise.
  const anonymous = signer ?? (await identify(request, options.authenticate));
  return { signed: false, callOptions: (request, ids) => callOptionsOf(request, ids, anonymous) };
}

/**
 * The signer of the request head when it carries a signature (an Authorization header, a
 * presigned query), authenticated before the body is read so that the body is checked against
 * what it signed; `undefined` for an unsigned head (a browser's form).
 * @throws S3Error MissingContentSha256 for a signed header without x-amz-content-sha256 (as
 *   `http.ts` for every request); the authenticator's refusals.
 */
async function headSigner(request: StreamingRequest, address: S3Address, options: S3HttpOptions): Promise<RequestIdentity | undefined> {
  const signedHeader = request.headers['authorization'] !== undefined;
  if (!signedHeader && !address.query.has('X-Amz-Signature')) return undefined;
  if (signedHeader && request.headers['x-amz-content-sha256'] === undefined) throw new S3Error('MissingContentSha256');
  // A SigV2 `Authorization` header on a form goes to the kernel's SigV4 parser, which refuses it
  // with its own error, not with the 400 InvalidRequest `http.ts` answers other requests with: a
  // browser form carries no such header, so S3's answer was not looked for (UNCONFIRMED).
  return options.authenticate === undefined ? undefined : await options.authenticate(headOnly(request));
}

/**
 * The signer of a form. With no verifier the signature cannot be checked: that stands only when
 * nothing is verified at all (no `authenticate` either: every request is the default root); a
 * handler that authenticates its requests refuses the form rather than run it unverified.
 */
async function verify(options: S3HttpOptions, form: Parameters<NonNullable<S3HttpOptions['verifyPostPolicy']>>[0]): Promise<RequestIdentity | undefined> {
  if (options.verifyPostPolicy !== undefined) return await options.verifyPostPolicy(form);
  // Precondition: a handler that authenticates requests never runs a form's signature unchecked.
  if (options.authenticate !== undefined) throw new S3Error('AccessDenied');
  return undefined;
}

/** A signed form's call: its signer, and `s3:authType` POST for bucket policies. */
function signedCallOptions(request: StreamingRequest, ids: ResponseIds, identity: RequestIdentity | undefined): CallOptions {
  const callOptions: Mutable<CallOptions> = callOptionsOf(request, ids, identity);
  // Condition keys for S3 (bucket-policy-s3-sigv4-conditions): s3:authType is POST for a form.
  callOptions.signature = {
    authType: 'POST',
    signatureVersion: 'AWS4-HMAC-SHA256',
    ...(identity?.signedAt === undefined ? {} : { signedAt: identity.signedAt }),
  };
  return callOptions;
}

function missingField(name: string): S3Error {
  return new S3Error('PostFieldMissing', {
    detail: { value: name },
    fields: [
      ['ArgumentName', name],
      ['ArgumentValue', ''],
    ],
  });
}

/**
 * The success answer. Headers as PutObject's (ETag, encryption, checksum) plus `Location`, the
 * object's URL with its key percent-encoded, `/` included (boto/boto3#2851, s3rver#504).
 */
async function answer(
  request: StreamingRequest,
  bucket: string,
  key: string,
  fields: ReadonlyMap<string, string>,
  output: Record<string, unknown>,
  ids: ResponseIds,
): Promise<StreamingResponse> {
  const location = objectUrl(request, bucket, key);
  const encoded = await encodeResponse(postObject.rest, { ...output, Location: location }, 'POST', baseHeaders(ids));
  const headers = encoded.headers;
  const etag = String(output['ETag'] ?? '');
  const redirect = redirectUrl(fields.get('success_action_redirect') ?? fields.get('redirect'));
  if (redirect !== undefined) {
    // Captured (layervault_ruby_client#8, StackOverflow 18390253): the URL's own query kept, then
    // bucket, key and etag, form-encoded (`/` as %2F, a space as +, the quotes as %22).
    const added = new URLSearchParams([
      ['bucket', bucket],
      ['key', key],
      ['etag', etag],
    ]).toString();
    headers['location'] = `${redirect}${redirect.includes('?') ? '&' : '?'}${added}`;
    return { status: 303, headers, body: '' };
  }
  const status = fields.get('success_action_status');
  if (status === '201') {
    // No namespace on PostResponse in any capture (s3rver#504, ceph#20330).
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse><Location>${escapeText(location)}</Location><Bucket>${escapeText(bucket)}</Bucket><Key>${escapeText(key)}</Key><ETag>${escapeText(etag)}</ETag></PostResponse>`;
    headers['content-type'] = 'application/xml';
    headers['content-length'] = String(Buffer.byteLength(body));
    return { status: 201, headers, body };
  }
  // "If the value is set to 200 or 204, Amazon S3 returns an empty document with a 200 or 204
  // status code ... if it is set to a value that is not valid, ... 204."
  return { status: status === '200' ? 200 : 204, headers, body: '' };
}

/** A URL text a Location header carries as it is: visible ASCII only. */
const HEADER_SAFE_URL = /^[\x21-\x7e]+$/;

/** "If Amazon S3 cannot interpret the URL, it acts as if the field is not present" (LS-POST: a relative URL gives 204). */
function redirectUrl(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    const url = new URL(text);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    // The URL as the form gave it (S3 appends to the text it was sent; UNCONFIRMED for a URL the
    // parser would rewrite, such as a host in capitals or no path). Only a text a header cannot
    // carry as it is (a line break, a space, a control or non-ASCII character) goes out parsed:
    // parsing drops tabs and line breaks and percent-encodes the rest.
    return HEADER_SAFE_URL.test(text) ? text : url.href;
  } catch {
    return undefined;
  }
}

function objectUrl(request: StreamingRequest, bucket: string, key: string): string {
  const host = request.headers['host'] ?? 'localhost';
  const scheme = request.secure === true ? 'https' : 'http';
  const virtualHosted = host.toLowerCase().startsWith(`${bucket.toLowerCase()}.`);
  return virtualHosted ? `${scheme}://${host}/${encodeURIComponent(key)}` : `${scheme}://${host}/${bucket}/${encodeURIComponent(key)}`;
}
