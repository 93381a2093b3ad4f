/**
 * How upstream failures are answered: unreachable or throttling is S3's 503 ServiceUnavailable,
 * anything else 500 InternalError; the upstream's error is the cause, never the message.
 */

import { S3ServiceException } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { S3Error } from '../../../src/index.ts';
import { upstreamFailure } from '../../../src/storage/upstream/errors.ts';

function serviceError(name: string, status: number): S3ServiceException {
  return new S3ServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status }, message: `upstream says ${name}` });
}

function socketError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 10.0.0.1:9000`), { code });
}

describe('upstream failures as S3 errors', () => {
  const unavailable: [string, unknown][] = [
    ['503 SlowDown', serviceError('SlowDown', 503)],
    ['503 ServiceUnavailable', serviceError('ServiceUnavailable', 503)],
    ['429 TooManyRequests', serviceError('TooManyRequests', 429)],
    ['a refused connection', socketError('ECONNREFUSED')],
    ['a reset connection, wrapped by the SDK', Object.assign(new Error('socket hang up'), { cause: socketError('ECONNRESET') })],
    ['an SDK timeout', Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
  ];
  for (const [what, error] of unavailable) {
    it(`${what} is 503 ServiceUnavailable`, () => {
      const answer = upstreamFailure(error);
      expect([answer.code, answer.status, answer.message]).toEqual(['ServiceUnavailable', 503, 'Service is unable to handle request.']);
      expect(answer.cause).toBe(error);
    });
  }

  const internal: [string, unknown][] = [
    ['500 InternalError', serviceError('InternalError', 500)],
    ['403 AccessDenied (the upstream refuses our credentials)', serviceError('AccessDenied', 403)],
    ['404 NoSuchBucket (the upstream bucket is gone)', serviceError('NoSuchBucket', 404)],
    ['a plain Error', new Error('blob is shorter than its manifest says')],
    ['a thrown string', 'weird'],
  ];
  for (const [what, error] of internal) {
    it(`${what} is 500 InternalError, the upstream's words kept out of the message`, () => {
      const answer = upstreamFailure(error);
      expect([answer.code, answer.status]).toEqual(['InternalError', 500]);
      expect(answer.message).toBe('We encountered an internal error. Please try again.');
      expect(answer.cause).toBe(error);
    });
  }

  it('an S3Error passes through as it is', () => {
    const error = new S3Error('NoSuchBucket', { fields: [['BucketName', 'b']] });
    expect(upstreamFailure(error)).toBe(error);
  });
});
