/**
 * The kernel's one error type and its one table: every code has a wire answer, the kernel's own
 * failures (a lost lease, a locked directory, …) answer as an internal failure that says nothing
 * of them, and `isServiceError` tells the codes apart where callers used to test a class.
 */

import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  isJsonServiceErrorCode,
  isS3AuthErrorCode,
  isServiceError,
  JSON_SERVICE_WIRE_ERRORS,
  KERNEL_FAILURE_WIRE_ERRORS,
  type KernelFailureCode,
  parsePolicy,
  readNodeRequest,
  S3_AUTH_WIRE_ERRORS,
  SERVICE_WIRE_ERRORS,
  ServiceError,
  type ServiceErrorCode,
  serviceErrorResponse,
} from '../src/index.ts';

const KERNEL_FAILURES = Object.keys(KERNEL_FAILURE_WIRE_ERRORS) as KernelFailureCode[];
const ALL_CODES = Object.keys(SERVICE_WIRE_ERRORS) as ServiceErrorCode[];

describe('SERVICE_WIRE_ERRORS', () => {
  it('holds every code of the three groups once, and nothing else', () => {
    const groups = [JSON_SERVICE_WIRE_ERRORS, S3_AUTH_WIRE_ERRORS, KERNEL_FAILURE_WIRE_ERRORS].map((table) => Object.keys(table));
    expect(groups.flat().sort()).toEqual([...ALL_CODES].sort());
    expect(new Set(groups.flat()).size).toBe(ALL_CODES.length);
  });

  it("maps the kernel's own failures to InternalFailure with no message, and a body over the limit to 413", () => {
    for (const code of KERNEL_FAILURES) {
      const expected = code === 'REQUEST_TOO_LARGE' ? { status: 413, type: 'RequestEntityTooLarge' } : { status: 500, type: 'InternalFailure', message: '' };
      expect(SERVICE_WIRE_ERRORS[code], code).toMatchObject(expected);
      expect(isJsonServiceErrorCode(code), code).toBe(false);
      expect(isS3AuthErrorCode(code), code).toBe(false);
    }
  });
});

describe('serviceErrorResponse', () => {
  it('answers a kernel failure that reached it as a bare InternalFailure: its message (paths, pids) stays out', () => {
    const lost = new ServiceError('LEASE_LOST', 'The data directory /srv/data was taken over by process 42');
    const response = serviceErrorResponse('request-1', lost);
    expect(response.status).toBe(500);
    expect(JSON.parse(response.body)).toEqual({ __type: 'InternalFailure' });
  });

  it('keeps the message of an AWS code', () => {
    const response = serviceErrorResponse('request-1', new ServiceError('ThrottlingException', 'Rate exceeded'));
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toEqual({ __type: 'ThrottlingException', message: 'Rate exceeded' });
  });
});

describe('isServiceError', () => {
  it('is true only for a ServiceError of the code asked for', () => {
    const locked = new ServiceError('DIRECTORY_LOCKED', 'in use', [], { detail: { directory: '/d', path: '/d/lock', holder: { kind: 'race' } } });
    expect(isServiceError(locked, 'DIRECTORY_LOCKED')).toBe(true);
    expect(isServiceError(locked, 'LEASE_LOST')).toBe(false);
    // Something else carrying the same code string is not a kernel failure.
    expect(isServiceError(Object.assign(new Error('x'), { code: 'DIRECTORY_LOCKED' }), 'DIRECTORY_LOCKED')).toBe(false);
    expect(isServiceError(undefined, 'DIRECTORY_LOCKED')).toBe(false);
  });

  it('names the error by its code and keeps the cause', () => {
    const cause = new Error('EIO');
    const error = new ServiceError('NOT_DURABLE', 'not durable', [], { cause, detail: { path: '/d/f' } });
    expect(error).toMatchObject({ name: 'NOT_DURABLE', code: 'NOT_DURABLE', cause, detail: { path: '/d/f' }, status: 500 });
  });
});

describe('readNodeRequest', () => {
  it('rejects a body over the limit with REQUEST_TOO_LARGE, reading the rest', async () => {
    const stream = Readable.from([Buffer.alloc(6), Buffer.alloc(6), Buffer.alloc(6)]);
    let ended = false;
    stream.once('end', () => {
      ended = true;
    });
    const request = Object.assign(stream, { method: 'POST', url: '/', headers: {}, socket: {} }) as unknown as IncomingMessage;
    const failure = await readNodeRequest(request, 10).catch((error: unknown) => error);
    expect(isServiceError(failure, 'REQUEST_TOO_LARGE')).toBe(true);
    expect(failure).toMatchObject({ message: 'request body larger than 10 bytes', status: 413 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(ended).toBe(true);
  });
});

describe('parsePolicy', () => {
  it('refuses text that is not a policy with POLICY_SYNTAX', () => {
    for (const text of ['not json', '[]', '{}', '{"Statement":[{"Effect":"allow","Action":"*","Resource":"*"}]}']) {
      expect(() => parsePolicy(text), text).toThrow(expect.objectContaining({ code: 'POLICY_SYNTAX' }));
    }
  });

  it('refuses a bare-string or unknown-type principal with POLICY_INVALID_PRINCIPAL', () => {
    for (const principal of ['"arn:aws:iam::111122223333:root"', '{"Robot":"x"}']) {
      const text = `{"Statement":[{"Effect":"Allow","Principal":${principal},"Action":"*","Resource":"*"}]}`;
      expect(() => parsePolicy(text), text).toThrow(expect.objectContaining({ code: 'POLICY_INVALID_PRINCIPAL' }));
    }
  });
});
