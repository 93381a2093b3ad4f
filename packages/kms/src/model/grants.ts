/**
 * @module
 * Grant rules that do not depend on policies: the GrantOperation enum and which operations a
 * symmetric encryption key can grant, grant ids and grant tokens, encryption-context constraints
 * (CreateGrant / GrantConstraints API reference), and CreateGrant's Name idempotency.
 *
 * Grant tokens. AWS's are URL-safe base64 (no padding) of a small protobuf-like structure whose
 * first field is a 64-hex identifier (the CreateGrant example token `AQpAM2RhZTk1…` decodes to
 * `01 0a 40 <64 hex> 22 88 02 <264 opaque bytes>`). Strongbox's tokens have the same shape: version
 * byte 1, field 1 = the grant id (64 hex), field 4 = 240 random bytes. So every CreateGrant call
 * returns a new token, every token of a grant names the same grant (they are interchangeable), and
 * a malformed token is recognised as such.
 */

import type { EncryptionContext } from '@strongbox/envelope';
import { hex, type Random } from '@strongbox/service-kernel';
import type { GrantConstraints, GrantOperation, GrantRecord } from './records.ts';

/** The GrantOperation enum, in model order. */
export const GRANT_OPERATIONS: readonly GrantOperation[] = Object.freeze([
  'Decrypt',
  'Encrypt',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'ReEncryptFrom',
  'ReEncryptTo',
  'Sign',
  'Verify',
  'GetPublicKey',
  'CreateGrant',
  'RetireGrant',
  'DescribeKey',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
  'GenerateMac',
  'VerifyMac',
  'DeriveSharedSecret',
  'Encapsulate',
  'Decapsulate',
]);

/**
 * Grant operations a symmetric encryption key does not support (dev guide "Grant operations":
 * signing, MAC, public-key and key-agreement operations belong to asymmetric and HMAC keys;
 * GenerateDataKeyPair* use a symmetric key and are allowed).
 */
export const NOT_FOR_SYMMETRIC_KEYS: ReadonlySet<GrantOperation> = new Set<GrantOperation>([
  'Sign',
  'Verify',
  'GetPublicKey',
  'GenerateMac',
  'VerifyMac',
  'DeriveSharedSecret',
  'Encapsulate',
  'Decapsulate',
]);

/** Grant operations that take an encryption context, the only ones constraints apply to. */
export const ENCRYPTION_CONTEXT_OPERATIONS: ReadonlySet<string> = new Set<string>([
  'Decrypt',
  'Encrypt',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'ReEncryptFrom',
  'ReEncryptTo',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
]);

/** Grants per customer managed key (dev guide "Resource quotas"; AWS managed keys have no such quota). */
export const MAX_GRANTS_PER_KEY = 50_000;
/** Pairs per encryption-context constraint, and characters per value (CreateGrant Constraints). */
export const MAX_CONSTRAINT_PAIRS = 8;
export const MAX_CONSTRAINT_VALUE_LENGTH = 384;

const GRANT_ID = /^[0-9a-f]{64}$/;
const TOKEN_PAYLOAD_BYTES = 240;
const TOKEN_HEADER = [0x01, 0x0a, 0x40];

/** A new grant id: 64 lowercase hex digits (256 random bits). */
export function newGrantId(random: Random): string {
  return hex(random.bytes(32));
}

/** Whether `value` has the form of a grant id Strongbox issues. */
export function isGrantId(value: string): boolean {
  return GRANT_ID.test(value);
}

/**
 * A new grant token for `grantId` (different on every call).
 * @example grantIdOfToken(newGrantToken(random, id)) === id
 */
export function newGrantToken(random: Random, grantId: string): string {
  const payload = random.bytes(TOKEN_PAYLOAD_BYTES);
  const bytes = new Uint8Array(3 + 64 + 3 + TOKEN_PAYLOAD_BYTES);
  bytes.set(TOKEN_HEADER, 0);
  bytes.set(new TextEncoder().encode(grantId), 3);
  // Field 4, length-delimited, length as a two-byte protobuf varint (240 = 0xf0 0x01).
  bytes.set([0x22, (TOKEN_PAYLOAD_BYTES & 0x7f) | 0x80, TOKEN_PAYLOAD_BYTES >> 7], 67);
  bytes.set(payload, 70);
  return Buffer.from(bytes).toString('base64url');
}

/** The grant id a token names, or `undefined` if the token is malformed. */
export function grantIdOfToken(token: string): string | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  const bytes = Buffer.from(token, 'base64url');
  if (bytes.length !== 70 + TOKEN_PAYLOAD_BYTES) return undefined;
  if (bytes[0] !== 0x01 || bytes[1] !== 0x0a || bytes[2] !== 0x40 || bytes[67] !== 0x22) return undefined;
  const grantId = bytes.subarray(3, 67).toString('latin1');
  return GRANT_ID.test(grantId) ? grantId : undefined;
}

/**
 * Whether a request's encryption context satisfies a grant's constraints. Constraint keys compare
 * case-insensitively, values case-sensitively (GrantConstraints API reference).
 * @example constraintsSatisfied({ encryptionContextSubset: { Dept: 'IT' } }, { dept: 'IT', x: 'y' }) // true
 */
export function constraintsSatisfied(constraints: GrantConstraints | undefined, context: EncryptionContext): boolean {
  if (constraints === undefined) return true;
  const request = lowerKeys(context);
  const { encryptionContextEquals: equals, encryptionContextSubset: subset } = constraints;
  if (equals !== undefined && !sameContext(lowerKeys(equals), request)) return false;
  if (subset !== undefined && !containsContext(request, lowerKeys(subset))) return false;
  return true;
}

/**
 * Whether a child grant's constraints are at least as strict as its parent's, as CreateGrant
 * requires of a grant created with a grant's CreateGrant permission: every context the child
 * allows, the parent allows too.
 */
export function constraintsWithin(child: GrantConstraints | undefined, parent: GrantConstraints | undefined): boolean {
  if (parent === undefined || (parent.encryptionContextEquals === undefined && parent.encryptionContextSubset === undefined)) return true;
  if (child?.encryptionContextEquals !== undefined) return constraintsSatisfied(parent, child.encryptionContextEquals);
  if (child?.encryptionContextSubset === undefined || parent.encryptionContextEquals !== undefined) return false;
  // Child allows every context containing S'; all of them contain S exactly when S' contains S.
  return containsContext(lowerKeys(child.encryptionContextSubset), lowerKeys(parent.encryptionContextSubset!));
}

/** Whether two grants were created with the same parameters (CreateGrant Name idempotency). */
export function sameGrantParameters(
  a: Omit<GrantRecord, 'grantId' | 'creationDate' | 'issuingAccount'>,
  b: Omit<GrantRecord, 'grantId' | 'creationDate' | 'issuingAccount'>,
): boolean {
  return (
    a.keyId === b.keyId &&
    a.name === b.name &&
    a.granteePrincipal === b.granteePrincipal &&
    a.retiringPrincipal === b.retiringPrincipal &&
    a.operations.length === b.operations.length &&
    a.operations.every((op) => b.operations.includes(op)) &&
    sameOptionalContext(a.constraints?.encryptionContextEquals, b.constraints?.encryptionContextEquals) &&
    sameOptionalContext(a.constraints?.encryptionContextSubset, b.constraints?.encryptionContextSubset)
  );
}

function sameOptionalContext(a: EncryptionContext | undefined, b: EncryptionContext | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return sameContext(lowerKeys(a), lowerKeys(b));
}

function lowerKeys(context: EncryptionContext): Map<string, string> {
  const map = new Map<string, string>();
  for (const [k, v] of Object.entries(context)) map.set(k.toLowerCase(), v);
  return map;
}

function sameContext(a: Map<string, string>, b: Map<string, string>): boolean {
  return a.size === b.size && containsContext(a, b);
}

function containsContext(outer: Map<string, string>, inner: Map<string, string>): boolean {
  for (const [k, v] of inner) if (outer.get(k) !== v) return false;
  return true;
}
