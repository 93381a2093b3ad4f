/**
 * @module
 * S3's conditional writes (PutObject, CopyObject and CompleteMultipartUpload API reference,
 * `If-Match` / `If-None-Match`): a write that names the object it expects to replace, or that there
 * is none, and S3's answers, as LocalStack's tests recorded them against S3 (2026-02-21,
 * `test_put_object_if_*`, `test_copy_object_if_*`, `test_multipart_if_*`):
 *
 * - `If-None-Match: *`: 412 PreconditionFailed (`Condition: If-None-Match`) when the key exists;
 *   any other value is 501 NotImplemented (`Header: If-None-Match`).
 * - `If-Match: <etag>`: 404 NoSuchKey when the key does not exist, 412 (`Condition: If-Match`)
 *   when its ETag differs (quoted or not; one strong tag, so a list or a `W/` tag differs);
 *   `*` is 501 NotImplemented.
 * - both headers: 501 NotImplemented (`Header: If-Match,If-None-Match`).
 * - a multipart completion whose condition holds, but whose key was written or deleted after the
 *   upload was initiated: 409 ConditionalRequestConflict (`Condition`, `Key`); the upload must be
 *   started again.
 *
 * The check itself runs where the write commits, under the key's lock (`CommitGuard`), so no write
 * can land between the check and the write it guards.
 */

import { S3Error } from '../errors.ts';

/** A write's condition on the object it replaces. */
export type WriteCondition = { readonly kind: 'none' } | { readonly kind: 'if-none-match' } | { readonly kind: 'if-match'; readonly etag: string };

/** What a condition is checked against: the object the write would replace (undefined: none). */
export interface ReplacedObject {
  /** Quoted or not. */
  readonly etag: string;
}

/**
 * Parses a write's `If-Match` and `If-None-Match` headers.
 * @throws S3Error ConditionalHeaderNotImplemented (501) for both headers, `If-None-Match` other
 *   than `*`, or `If-Match: *`.
 * @example
 * ```ts
 * import { parseWriteCondition } from '@strongbox/s3';
 * parseWriteCondition(undefined, '*'); // { kind: 'if-none-match' }
 * ```
 */
export function parseWriteCondition(ifMatch: string | undefined, ifNoneMatch: string | undefined): WriteCondition {
  if (ifMatch !== undefined && ifNoneMatch !== undefined) {
    throw notImplemented('If-Match,If-None-Match', 'Multiple conditional request headers present in the request');
  }
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch.trim() !== '*') throw notImplemented('If-None-Match', "We don't accept the provided value of If-None-Match header for this API");
    return { kind: 'if-none-match' };
  }
  if (ifMatch !== undefined) {
    if (ifMatch.trim() === '*') throw notImplemented('If-Match', "We don't accept the provided value of If-Match header for this API");
    return { kind: 'if-match', etag: ifMatch };
  }
  return { kind: 'none' };
}

/**
 * Checks a write's condition against the object it would replace.
 * @throws S3Error PreconditionFailed (412, with `Condition`), NoSuchKey (404, `If-Match` on a
 *   missing key).
 * @example
 * ```ts
 * import { checkWriteCondition } from '@strongbox/s3';
 * checkWriteCondition({ kind: 'if-none-match' }, undefined, 'k'); // passes: no object yet
 * ```
 */
export function checkWriteCondition(condition: WriteCondition, current: ReplacedObject | undefined, key: string): void {
  if (condition.kind === 'if-none-match' && current !== undefined) {
    throw new S3Error('PreconditionFailed', { fields: [['Condition', 'If-None-Match']] });
  }
  if (condition.kind === 'if-match') {
    if (current === undefined) throw new S3Error('NoSuchKey', { fields: [['Key', key]] });
    if (!sameETag(condition.etag, current.etag)) throw new S3Error('PreconditionFailed', { fields: [['Condition', 'If-Match']] });
  }
}

/**
 * Whether a write's `If-Match` names `etag`: one entity tag, quotes optional (S3 takes them
 * unquoted too, LS-snapshot), compared whole. A write's `If-Match` is a compare-and-swap on one
 * object (API reference: "Expects the ETag value as a string"), not the read side's list
 * (`model/conditions.ts`): a value with a `*` member or several tags is one ETag that no object
 * has, and a weak `W/` tag never matches (RFC 9110 §13.1.1: If-Match uses the strong comparison).
 * What S3 answers to a list is UNCONFIRMED; it cannot be "any object".
 */
function sameETag(value: string, etag: string): boolean {
  return unquote(value.trim()) === unquote(etag);
}

function unquote(tag: string): string {
  return tag.length >= 2 && tag.startsWith('"') && tag.endsWith('"') ? tag.slice(1, -1) : tag;
}

/**
 * Refuses a conditional multipart completion whose key changed since the upload began: S3 answers
 * 409 even when the condition holds (a delete, or a write of identical bytes, in between:
 * `test_multipart_if_match_with_put_identical`, `test_multipart_if_none_match_with_delete`).
 *
 * @param atInitiation - the key's version when the upload began ('' for no object), or undefined
 *   when unknown (an upload initiated before this was recorded: not checked).
 * @param now - the key's version now ('' for no object).
 * @throws S3Error ConditionalRequestConflict (409, with `Condition` and `Key`).
 */
export function checkUnchangedSinceInitiation(condition: WriteCondition, atInitiation: string | undefined, now: string, key: string): void {
  if (condition.kind === 'none' || atInitiation === undefined || atInitiation === now) return;
  throw new S3Error('ConditionalRequestConflict', {
    fields: [
      ['Condition', condition.kind === 'if-match' ? 'If-Match' : 'If-None-Match'],
      ['Key', key],
    ],
  });
}

/**
 * Parses DeleteObject's conditions: `If-Match` (an ETag, or `*` for any object: DeleteObject API
 * reference); `x-amz-if-match-last-modified-time` and `x-amz-if-match-size` are for directory
 * buckets only, and a general purpose bucket answers them 501 NotImplemented naming the first
 * (LS-snapshot test_delete_object_if_match_*_non_express, recorded against S3).
 * @throws S3Error ConditionalHeaderNotImplemented.
 * @example
 * ```ts
 * import { parseDeleteCondition } from '@strongbox/s3';
 * parseDeleteCondition('"abc"', undefined, undefined); // { kind: 'if-match', etag: '"abc"' }
 * ```
 */
export function parseDeleteCondition(ifMatch: string | undefined, lastModifiedTime: unknown, size: unknown): WriteCondition | { readonly kind: 'any' } {
  if (lastModifiedTime !== undefined) throw notImplemented('x-amz-if-match-last-modified-time');
  if (size !== undefined) throw notImplemented('x-amz-if-match-size');
  if (ifMatch === undefined) return { kind: 'none' };
  return ifMatch.trim() === '*' ? { kind: 'any' } : { kind: 'if-match', etag: ifMatch };
}

/**
 * Checks a DeleteObject condition against the object it would delete: `*` and an ETag need an
 * object (404 NoSuchKey without one: UNCONFIRMED, as PutObject's If-Match answers); an ETag that
 * differs is 412 (`Condition: If-Match`).
 * @throws S3Error PreconditionFailed, NoSuchKey.
 */
export function checkDeleteCondition(condition: WriteCondition | { readonly kind: 'any' }, current: ReplacedObject | undefined, key: string): void {
  if (condition.kind === 'any') {
    if (current === undefined) throw new S3Error('NoSuchKey', { fields: [['Key', key]] });
    return;
  }
  checkWriteCondition(condition, current, key);
}

function notImplemented(header: string, additionalMessage?: string): S3Error {
  return new S3Error('ConditionalHeaderNotImplemented', {
    fields: [['Header', header], ...(additionalMessage === undefined ? [] : ([['additionalMessage', additionalMessage]] as const))],
  });
}
