/**
 * @module
 * KMS identifiers: key ids, key ARNs, alias names and alias ARNs, parsed exactly as KMS accepts
 * them (dev guide "Key identifiers"). Which forms an operation accepts is the caller's choice:
 * `parseKeyReference(input, 'any')` for Encrypt, Decrypt, GenerateDataKey, DescribeKey and the
 * other operations documented as taking an alias, `'key'` for those taking only a key id or ARN.
 */

import { partitionOf } from '@strongbox/service-kernel';

export { accountRootArn, partitionOf } from '@strongbox/service-kernel';

/** How a caller referred to a key. */
export type KeyReference =
  | { readonly kind: 'keyId'; readonly keyId: string }
  | { readonly kind: 'keyArn'; readonly keyId: string; readonly region: string; readonly account: string; readonly partition: string }
  | { readonly kind: 'aliasName'; readonly aliasName: string }
  | { readonly kind: 'aliasArn'; readonly aliasName: string; readonly region: string; readonly account: string; readonly partition: string };

/** Why a reference could not be parsed: the input is not a well-formed identifier of an accepted form. */
export type KeyReferenceError = { readonly kind: 'invalid' };

/** Multi-Region key id: `mrk-` and 32 lowercase hex digits. */
const MRK_KEY_ID = /^mrk-[0-9a-f]{32}$/;
/** CreateAlias pattern from the KMS model (AliasNameType). */
export const ALIAS_NAME_PATTERN: RegExp = /^[a-zA-Z0-9:/_-]+$/;
const ARN = /^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b):kms:([a-z0-9-]+):(\d{12}):(key|alias)\/(.+)$/;

/** Whether `value` is a well-formed key id (UUID or multi-Region id). */
export function isKeyId(value: string): boolean {
  // Every KeyId parameter of every call is tested: both forms are 36 characters, so anything else
  // (aliases, ARNs) is answered without running a pattern.
  if (value.length !== 36) return false;
  return value.charCodeAt(3) === 0x2d ? MRK_KEY_ID.test(value) : isLowercaseUuid(value);
}

/** A lowercase UUID, as KMS key ids are written: 8-4-4-4-12 hex digits, checked in one pass. */
function isLowercaseUuid(value: string): boolean {
  for (let i = 0; i < 36; i++) {
    const code = value.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (code !== 0x2d) return false;
    } else if (!((code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x66))) {
      return false;
    }
  }
  return true;
}

/**
 * Parses a `KeyId` parameter.
 *
 * @param input - what the caller sent.
 * @param accepted - `'any'` to accept aliases too, `'key'` for key id or key ARN only.
 * @returns the reference, or `{ kind: 'invalid' }`.
 */
export function parseKeyReference(input: string, accepted: 'any' | 'key'): KeyReference | KeyReferenceError {
  if (isKeyId(input)) return { kind: 'keyId', keyId: input };
  if (accepted === 'any' && input.startsWith('alias/') && input.length > 'alias/'.length) {
    return { kind: 'aliasName', aliasName: input };
  }
  const match = ARN.exec(input);
  if (match === null) return { kind: 'invalid' };
  const [, partition, region, account, type, rest] = match as unknown as [string, string, string, string, string, string];
  if (type === 'key') {
    return isKeyId(rest) ? { kind: 'keyArn', keyId: rest, region, account, partition } : { kind: 'invalid' };
  }
  if (accepted === 'key') return { kind: 'invalid' };
  return { kind: 'aliasArn', aliasName: `alias/${rest}`, region, account, partition };
}

/** `arn:<partition>:kms:<region>:<account>:key/<keyId>`, as one flat string (`flatText`). */
export function keyArn(region: string, account: string, keyId: string): string {
  return flatText(`arn:${partitionOf(region)}:kms:${region}:${account}:key/${keyId}`);
}

/**
 * `text` as one flat string. V8 keeps a string built by concatenation as a rope of its parts, and
 * every Map lookup or comparison that meets a rope goes through V8's slow path again (the
 * runtime's string comparison): a key's id and ARN are made once and looked up or compared on
 * every call that names the key, so they are flattened when made. `normalize()` answers its text
 * flat, and leaves ids and ARNs (ASCII, already in normal form NFC) as they are.
 * @example flatText(`key/${keyId}`) === `key/${keyId}` // true
 */
export function flatText(text: string): string {
  return text.normalize();
}

/** `arn:<partition>:kms:<region>:<account>:<aliasName>` (the alias name keeps its `alias/` prefix). */
export function aliasArn(region: string, account: string, aliasName: string): string {
  return `arn:${partitionOf(region)}:kms:${region}:${account}:${aliasName}`;
}
