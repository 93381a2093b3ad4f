/**
 * @module
 * The `Authorization` header of a header-signed request, split as Coral front ends split it
 * (`parseAuthorizationFields`): the algorithm, then `key=value` pairs; a missing field or date
 * fails with AWS's IncompleteSignatureException texts. Headers like one parsed before skip the
 * splitting: a client sends the same fields on every call, and only the signature changes.
 */

import { ServiceError } from '../errors.ts';
import type { HttpRequest } from '../http/types.ts';
import { SCOPE_CACHE_LIMIT } from './credential-scope.ts';

/** The pieces of an `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` header. */
export interface ParsedAuthorization {
  readonly algorithm: string;
  readonly credential: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
  /** The signing time as sent (`X-Amz-Date`, ISO 8601 basic format). */
  readonly amzDate: string;
}

/** What an SDK writes between the other fields and the signature, the header's last field. */
const SIGNATURE_FIELD = ', Signature=';
/** A signature as SDKs write it: no separator, nothing to trim. */
const HEX_SIGNATURE = /^[0-9a-f]+$/;
/**
 * The fields of `Authorization` headers parsed before, by their text up to `, Signature=`: a
 * client sends the same algorithm, credential and signed headers on every call, and only the
 * signature after them changes. Filled only from `parseAuthorizationFields`, for headers whose
 * signature is that last hex field: the general rules then give the same fields for any header
 * with that text before another hex signature (the last `Signature` wins), so the two parse alike.
 */
const KNOWN_AUTHORIZATION_FIELDS = new Map<string, Pick<ParsedAuthorization, 'algorithm' | 'credential' | 'signedHeaders'>>();

/**
 * Splits the header like Coral (`parseAuthorizationFields`); headers like one parsed before skip the splitting.
 * @throws ServiceError IncompleteSignatureException when a field, or both `X-Amz-Date` and `Date`, are missing.
 * @example parseAuthorization('AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kms/aws4_request, SignedHeaders=host;x-amz-date, Signature=ab12', request)
 */
export function parseAuthorization(header: string, request: HttpRequest): ParsedAuthorization {
  const at = header.lastIndexOf(SIGNATURE_FIELD);
  const signature = at < 0 ? '' : header.slice(at + SIGNATURE_FIELD.length);
  const hexSignature = signature !== '' && HEX_SIGNATURE.test(signature);
  const date = request.headers['x-amz-date'] ?? request.headers['date'];
  if (hexSignature && date) {
    const known = KNOWN_AUTHORIZATION_FIELDS.get(header.slice(0, at));
    if (known !== undefined) return { algorithm: known.algorithm, credential: known.credential, signedHeaders: known.signedHeaders, signature, amzDate: date };
  }
  const parsed = parseAuthorizationFields(header, request);
  // A hex signature is the header's last token (it holds no separator), so it is the `Signature`
  // the general rules kept: the fields before it are all that is left to remember.
  if (hexSignature) {
    if (KNOWN_AUTHORIZATION_FIELDS.size >= SCOPE_CACHE_LIMIT) KNOWN_AUTHORIZATION_FIELDS.clear();
    KNOWN_AUTHORIZATION_FIELDS.set(header.slice(0, at), { algorithm: parsed.algorithm, credential: parsed.credential, signedHeaders: parsed.signedHeaders });
  }
  return parsed;
}

/** Splits the header like Coral: the algorithm, then `key=value` pairs separated by commas or spaces. */
function parseAuthorizationFields(header: string, request: HttpRequest): ParsedAuthorization {
  const [algorithm = '', ...rest] = header.trim().split(/[, ]+/);
  const params = new Map<string, string>();
  for (const part of rest) {
    const equals = part.indexOf('=');
    if (equals > 0) params.set(part.slice(0, equals), part.slice(equals + 1));
  }
  // The date comes from X-Amz-Date; a `Date` header satisfies the presence check, as at AWS.
  const date = request.headers['x-amz-date'] ?? request.headers['date'];
  let missing = '';
  for (const name of ['Credential', 'Signature', 'SignedHeaders']) {
    if (!params.get(name)) missing += `Authorization header requires '${name}' parameter. `;
  }
  if (!date) missing += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  if (missing !== '') throw new ServiceError('IncompleteSignatureException', `${missing}Authorization=${header}`);
  const credential = params.get('Credential');
  const signedHeaders = params.get('SignedHeaders');
  const signature = params.get('Signature');
  // Unreachable after the checks above; spelled out so the types need no assertion.
  if (!credential || !signedHeaders || !signature || !date) throw new ServiceError('IncompleteSignatureException', `Authorization=${header}`);
  return { algorithm, credential, signedHeaders: signedHeaderList(signedHeaders), signature, amzDate: date };
}

/** `SignedHeaders` values split before, frozen: a client signs the same few header lists over and over. */
const SIGNED_HEADER_LISTS = new Map<string, readonly string[]>();

/** The names of a `SignedHeaders` value, lower-cased (remembered, bounded like the scopes). */
function signedHeaderList(text: string): readonly string[] {
  let list = SIGNED_HEADER_LISTS.get(text);
  if (list === undefined) {
    list = Object.freeze(text.toLowerCase().split(';'));
    if (SIGNED_HEADER_LISTS.size >= SCOPE_CACHE_LIMIT) SIGNED_HEADER_LISTS.clear();
    SIGNED_HEADER_LISTS.set(text, list);
  }
  return list;
}

/** Test-only hooks: the `Authorization` parser with its memo, and the general rules it must agree with. */
export const __TESTS: {
  readonly parseAuthorization: (header: string, request: HttpRequest) => ParsedAuthorization;
  readonly parseAuthorizationFields: (header: string, request: HttpRequest) => ParsedAuthorization;
} = { parseAuthorization, parseAuthorizationFields };
