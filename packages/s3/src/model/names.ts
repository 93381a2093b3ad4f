/**
 * @module
 * Bucket names and object keys, checked as S3 checks them. Bucket names follow the general purpose
 * bucket naming rules (UG `bucketnamingrules`): 3..63 characters of lowercase letters, digits, dots
 * and hyphens, starting and ending with a letter or digit, no two adjacent dots, not shaped like
 * an IPv4 address, and none of the prefixes and suffixes S3 reserves. Object keys are any
 * 1..1024 bytes of UTF-8 (UG `object-keys`).
 */

import { S3Error } from '../errors.ts';

/** S3's limit on an object key, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

const BUCKET_SHAPE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IPV4_SHAPE = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
// UG bucketnamingrules: reserved for access point aliases, S3 Express, Object Lambda and friends.
const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'] as const;
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'] as const;

/**
 * Whether `name` is a valid general purpose bucket name.
 *
 * @example
 * ```ts
 * import { isValidBucketName } from '@strongbox/s3';
 * isValidBucketName('my-bucket'); // true
 * isValidBucketName('My_Bucket'); // false
 * ```
 */
export function isValidBucketName(name: string): boolean {
  if (typeof name !== 'string' || !BUCKET_SHAPE.test(name)) return false;
  if (name.includes('..') || IPV4_SHAPE.test(name)) return false;
  if (RESERVED_PREFIXES.some((prefix) => name.startsWith(prefix))) return false;
  return !RESERVED_SUFFIXES.some((suffix) => name.endsWith(suffix));
}

/**
 * Checks a bucket name.
 *
 * @throws S3Error InvalidBucketName (400, with `BucketName`) if it breaks a naming rule.
 * @example
 * ```ts
 * import { assertBucketName } from '@strongbox/s3';
 * assertBucketName('logs.example.com');
 * ```
 */
export function assertBucketName(name: string): void {
  if (!isValidBucketName(name)) throw new S3Error('InvalidBucketName', { fields: [['BucketName', String(name)]] });
}

/**
 * Checks an object key: 1..1024 bytes of well-formed UTF-8. Keys are names, not paths: `../`,
 * `%2e%2e`, NUL and the like are valid keys, and storage maps every key to a safe file name.
 *
 * @throws S3Error KeyTooLong (400 `KeyTooLongError`, with `Size` and `MaxSizeAllowed`) above
 *   1024 bytes.
 * @throws TypeError for an empty key or one with a lone surrogate, which no request can carry: an
 *   empty key addresses the bucket, and the protocol edge decodes keys as UTF-8 and answers a
 *   malformed one before it reaches the model.
 * @example
 * ```ts
 * import { assertObjectKey } from '@strongbox/s3';
 * assertObjectKey('photos/2026/../cat.jpg'); // valid: keys are not paths
 * ```
 */
export function assertObjectKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) throw new TypeError('"key" expected a non-empty string');
  if (!key.isWellFormed()) throw new TypeError('"key" expected well-formed Unicode (no lone surrogate)');
  // A UTF-16 unit is at most 3 UTF-8 bytes: a key this short fits whatever it holds.
  if (key.length * 3 <= MAX_KEY_BYTES) return;
  const size = utf8Length(key);
  if (size > MAX_KEY_BYTES) {
    throw new S3Error('KeyTooLong', {
      fields: [
        ['Size', String(size)],
        ['MaxSizeAllowed', String(MAX_KEY_BYTES)],
      ],
    });
  }
}

/**
 * Whether `key` is one `assertObjectKey` accepts (1..1024 bytes of well-formed UTF-8), answered
 * without throwing, and without reading past the first 1024 characters of a longer key.
 * @example isObjectKey('k'.repeat(1025)) // false
 */
export function isObjectKey(key: string): boolean {
  // A UTF-16 unit is at least one UTF-8 byte: a longer key is too long whatever it holds.
  if (key.length === 0 || key.length > MAX_KEY_BYTES || !key.isWellFormed()) return false;
  return key.length * 3 <= MAX_KEY_BYTES || utf8Length(key) <= MAX_KEY_BYTES;
}

/** UTF-8 length of a well-formed string, without encoding it. */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff) {
      bytes += 4;
      index++;
    } else bytes += 3;
  }
  return bytes;
}
