/**
 * @module
 * The signing time of a header-signed request: `X-Amz-Date` in ISO 8601 basic format, within the
 * service's window of the server's clock (±5 minutes for the JSON services, as real KMS in
 * aws/aws-sdk-js-v3#6400; ±15 for S3), refused with AWS's texts otherwise.
 */

import { ServiceError } from '../errors.ts';

/** How far the signing time may be from the server's, both ways (real KMS: 5 minutes). */
export const MAX_SKEW_MS: number = 5 * 60 * 1000;
/**
 * S3's window is 15 minutes (S3 API reference, "Authenticating Requests (AWS Signature Version
 * 4)": "within 15 minutes"; its RequestTimeTooSkewed carries MaxAllowedSkewMilliseconds 900000).
 */
export const S3_MAX_SKEW_MS: number = 15 * 60 * 1000;
const ISO_BASIC = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/**
 * Date format, then the service's window (±5 minutes, S3's ±15); answers the signing time (ms).
 * The error carries what S3's RequestTimeTooSkewed shows (`RequestTime`, `ServerTime`,
 * `MaxAllowedSkewMilliseconds`); the JSON services send the message alone.
 * @throws ServiceError IncompleteSignatureException (not ISO 8601 basic format) or InvalidSignatureException (outside the window).
 * @example checkTime('20260101T000000Z', Date.UTC(2026, 0, 1, 0, 1), MAX_SKEW_MS) // Date.UTC(2026, 0, 1)
 */
export function checkTime(amzDate: string, now: number, maxSkew: number): number {
  const signedAt = parseIsoBasic(amzDate);
  if (signedAt === undefined) {
    // Known difference: a request dated only by an RFC 1123 `Date` header is refused here.
    throw new ServiceError(
      'IncompleteSignatureException',
      `Date must be in ISO-8601 'basic format'. Got '${amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    );
  }
  if (signedAt >= now - maxSkew && signedAt <= now + maxSkew) return signedAt;
  const minutes = maxSkew / 60_000;
  const skewed = [
    ['RequestTime', amzDate],
    ['ServerTime', new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z')],
    ['MaxAllowedSkewMilliseconds', String(maxSkew)],
  ] as const;
  if (signedAt < now - maxSkew) {
    throw new ServiceError(
      'InvalidSignatureException',
      `Signature expired: ${amzDate} is now earlier than ${isoBasic(now - maxSkew)} (${isoBasic(now)} - ${minutes} min.)`,
      skewed,
    );
  }
  if (signedAt > now + maxSkew) {
    throw new ServiceError(
      'InvalidSignatureException',
      `Signature not yet current: ${amzDate} is still later than ${isoBasic(now + maxSkew)} (${isoBasic(now)} + ${minutes} min.)`,
      skewed,
    );
  }
  return signedAt;
}

/** The last date parsed (requests in the same second carry the same X-Amz-Date). */
let lastDate: { readonly text: string; readonly time: number | undefined } = { text: '', time: undefined };

/**
 * The time (ms) an ISO 8601 basic-format date names, or undefined if it is not one (or names no real day).
 * @example parseIsoBasic('20260101T000000Z') // Date.UTC(2026, 0, 1)
 */
export function parseIsoBasic(text: string): number | undefined {
  if (text === lastDate.text) return lastDate.time;
  const time = parseIsoBasicUncached(text);
  lastDate = { text, time };
  return time;
}

function parseIsoBasicUncached(text: string): number | undefined {
  const match = ISO_BASIC.exec(text);
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  const time = Date.UTC(y, mo - 1, d, h, mi, s);
  // A real month, day and time of day: Date.UTC rolls month 13, February 30th, 24h, 60m and 60s
  // over into a valid date.
  const date = new Date(time);
  return date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && h < 24 && mi < 60 && s < 60 ? time : undefined;
}

function isoBasic(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}
