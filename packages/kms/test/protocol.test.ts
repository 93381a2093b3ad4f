/**
 * The AWS JSON 1.1 edge, request by request: check order, error bodies and headers as AWS's Coral
 * front end answers them (research memo §4; Kinesis is the same protocol family).
 */

import { describe, expect, it } from 'vitest';
import { toKmsError } from '../src/errors.ts';
import { createJson11Handler, type HttpRequest } from '../src/http.ts';
import { isStoreFailureCode, Kms, KmsError, type KmsErrorCode, type StoreFailureCode, WIRE_ERRORS } from '../src/index.ts';
import { errorResponse } from '../src/protocol/json11.ts';

const kms = new Kms({ quotas: false });
const handle = createJson11Handler(kms);
const json = (
  target: string,
  body: unknown,
  overrides: Partial<HttpRequest> = {},
): Promise<{ status: number; headers: Record<string, string>; body: string }> =>
  handle({
    method: 'POST',
    path: '/',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
    body: new TextEncoder().encode(typeof body === 'string' ? body : JSON.stringify(body)),
    ...overrides,
  });

describe('protocol errors come before anything else', () => {
  it('answers a non-POST method with 403 and an XML AccessDeniedException', async () => {
    const response = await json('TrentService.ListKeys', {}, { method: 'GET' });
    expect(response.status).toBe(403);
    expect(response.body).toContain('<Message>Unable to determine service/operation name to be authorized</Message>');
  });

  it('answers a wrong content type with 404 <UnknownOperationException/>', async () => {
    const response = await json('TrentService.ListKeys', {}, { headers: { 'content-type': 'text/plain', 'x-amz-target': 'TrentService.ListKeys' } });
    expect(response).toMatchObject({ status: 404, body: '<UnknownOperationException/>\n' });
  });

  it('answers malformed JSON with a bare SerializationException', async () => {
    const response = await json('TrentService.ListKeys', '{not json');
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toEqual({ __type: 'SerializationException' });
    expect(response.headers['X-Amzn-Errortype']).toBe('SerializationException');
  });

  it('answers an unknown target with a bare UnknownOperationException', async () => {
    for (const target of ['TrentService.StealKeys', 'Kinesis_20131202.ListStreams', '']) {
      const response = await json(target, {});
      expect(response.status).toBe(400);
      expect(JSON.parse(response.body)).toEqual({ __type: 'UnknownOperationException' });
    }
  });
});

describe('real KMS operations Strongbox does not model', () => {
  it('answer 400 UnsupportedOperationException naming the operation', async () => {
    for (const operation of [
      'CreateCustomKeyStore',
      'DescribeCustomKeyStores',
      'UpdateCustomKeyStore',
      'DeleteCustomKeyStore',
      'ConnectCustomKeyStore',
      'DisconnectCustomKeyStore',
    ]) {
      const response = await json(`TrentService.${operation}`, { KeyId: 'alias/x' });
      expect(response.status, operation).toBe(400);
      expect(response.headers['X-Amzn-Errortype']).toBe('UnsupportedOperationException');
      expect(JSON.parse(response.body)).toEqual({
        __type: 'UnsupportedOperationException',
        message: `Strongbox does not model ${operation}: custom key stores keep key material in an AWS CloudHSM cluster or an external key manager, hardware Strongbox does not emulate.`,
      });
    }
  });

  it('are modelled operations or unmodelled ones, never both, and the SDK knows them all', async () => {
    const { OPERATION_NAMES } = await import('../src/index.ts');
    const { UNMODELLED_OPERATIONS } = await import('../src/http.ts');
    for (const name of OPERATION_NAMES) expect(UNMODELLED_OPERATIONS.has(name), name).toBe(false);
    const sdk = await import('@aws-sdk/client-kms');
    for (const name of [...OPERATION_NAMES, ...UNMODELLED_OPERATIONS]) expect(`${name}Command` in sdk, name).toBe(true);
    // And the other way round: every command of the pinned SDK is one or the other.
    const commands = Object.keys(sdk).filter((name) => name.endsWith('Command') && name !== 'Command' && !name.startsWith('$'));
    for (const command of commands) {
      const name = command.slice(0, -'Command'.length);
      expect((OPERATION_NAMES as readonly string[]).includes(name) || UNMODELLED_OPERATIONS.has(name), name).toBe(true);
    }
  });

  it('are authenticated first: an unsigned call is refused as unsigned', async () => {
    const strict = createJson11Handler(kms, {
      authenticate: () => {
        throw new KmsError('MissingAuthenticationTokenException', 'Missing Authentication Token');
      },
    });
    const response = await strict({
      method: 'POST',
      path: '/',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.ReplicateKey' },
      body: new Uint8Array(),
    });
    expect(JSON.parse(response.body)).toEqual({ __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });
  });
});

describe('HTTP statuses', () => {
  it('are 400 for every client error, even those the model tags 404/409/412, and 5xx only for internal, unavailable and timeout', () => {
    const serverSide = new Set(['KMSInternalException', 'KeyUnavailableException', 'DependencyTimeoutException']);
    for (const [code, wire] of Object.entries(WIRE_ERRORS)) {
      if (isStoreFailureCode(code as KmsErrorCode)) continue;
      if (serverSide.has(code)) expect(wire.status, code).toBeGreaterThanOrEqual(500);
      else expect(wire.status, code).toBe(400);
      // The error's name is its __type, as before the store's failures joined the union.
      expect(new KmsError(code as KmsErrorCode).name, code).toBe(wire.type);
    }
    expect(WIRE_ERRORS.ConflictException.status).toBe(400);
  });
});

describe("the store's failures", () => {
  const STORE_FAILURES: readonly StoreFailureCode[] = [
    'INVALID_ROOT_KEY',
    'INSECURE_ROOT_KEY',
    'MISSING_ROOT_KEY',
    'WRONG_ROOT_KEY',
    'CORRUPT',
    'LOCKED',
    'WRITE_FAILED',
    'LEASE_LOST',
    'DISK_FULL',
  ];

  it('are exactly the codes the table maps to the generic KMSInternalException', () => {
    const mapped = Object.entries(WIRE_ERRORS).filter(([, wire]) => wire.message === 'An internal error occurred.');
    expect(mapped.map(([code]) => code).sort()).toEqual([...STORE_FAILURES].sort());
    for (const code of STORE_FAILURES) {
      expect(isStoreFailureCode(code)).toBe(true);
      expect(WIRE_ERRORS[code]).toMatchObject({ status: 500, type: 'KMSInternalException' });
    }
    expect(isStoreFailureCode('KMSInternalException')).toBe(false);
  });

  it('reach a caller as KMSInternalException with the generic text: the operator message (paths) stays out', () => {
    for (const code of STORE_FAILURES) {
      const failure = new KmsError(code, 'Writing to the data directory /srv/secret-path failed (EIO)', { cause: new Error('EIO') });
      const answer = toKmsError(failure);
      expect([answer.code, answer.message, answer.status], code).toEqual(['KMSInternalException', 'An internal error occurred.', 500]);
      const response = errorResponse('request-1', failure);
      expect(response.status).toBe(500);
      expect(JSON.parse(String(response.body))).toEqual({ __type: 'KMSInternalException', message: 'An internal error occurred.' });
    }
  });

  it('an AWS-coded KmsError passes through toKmsError unchanged', () => {
    const error = new KmsError('NotFoundException', "Key 'k' does not exist");
    expect(toKmsError(error)).toBe(error);
  });
});

describe('member types and constraints', () => {
  it('answers a wrong JSON type with Coral\'s SerializationException text under "Message"', async () => {
    const cases: [unknown, string][] = [
      [{ KeyId: 12 }, 'class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String'],
      [{ KeyId: true }, 'class java.lang.Boolean can not be converted to an String'],
      [{ KeyId: {} }, 'Start of structure or map found where not expected.'],
      [{ KeyId: [] }, 'Start of list found where not expected'],
    ];
    for (const [body, message] of cases) {
      const response = await json('TrentService.DescribeKey', body);
      expect(JSON.parse(response.body)).toEqual({ __type: 'SerializationException', Message: message });
    }
  });

  it('rejects base64 that is not a multiple of 4 characters or has foreign characters, without echoing the value', async () => {
    const short = await json('TrentService.Decrypt', { CiphertextBlob: 'abc' });
    expect(JSON.parse(short.body)).toEqual({
      __type: 'SerializationException',
      Message: 'Value can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 3',
    });
    const foreign = await json('TrentService.Decrypt', { CiphertextBlob: 'ab!d' });
    expect(JSON.parse(foreign.body)).toEqual({
      __type: 'SerializationException',
      Message: "Value can not be converted to a Blob: Invalid Base64 character: '!'",
    });
    // A plaintext pasted raw instead of as base64 stays out of the answer.
    const secret = await json('TrentService.Encrypt', { KeyId: 'alias/x', Plaintext: 'hunter2 is my password' });
    expect(secret.status).toBe(400);
    expect(secret.body).not.toContain('hunter2');
    expect(JSON.parse(secret.body)).toEqual({
      __type: 'SerializationException',
      Message: "Value can not be converted to a Blob: Invalid Base64 character: ' '",
    });
  });

  it('reports every constraint failure in one ValidationException, joined with "; "', async () => {
    const response = await json('TrentService.GenerateDataKey', { KeyId: '', NumberOfBytes: 0 });
    expect(JSON.parse(response.body)).toEqual({
      __type: 'ValidationException',
      message:
        "2 validation errors detected: Value '' at 'keyId' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
        "Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1",
    });
  });

  it('reports a missing required member as Value null', async () => {
    const response = await json('TrentService.Encrypt', { Plaintext: 'AA==' });
    expect(JSON.parse(response.body).message).toBe("1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null");
  });

  it('reports a bad element of a list of strings once, on the whole list', async () => {
    const response = await json('TrentService.DescribeKey', { KeyId: 'alias/x', GrantTokens: ['ok', ''] });
    expect(JSON.parse(response.body).message).toBe(
      "1 validation error detected: Value '[ok, ]' at 'grantTokens' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 8192, Member must have length greater than or equal to 1]",
    );
  });
});

describe('responses', () => {
  it('carries x-amzn-RequestId, Content-Type, Content-Length and Date', async () => {
    const response = await json('TrentService.CreateKey', {});
    expect(response.status).toBe(200);
    expect(response.headers['x-amzn-RequestId']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(response.headers['Content-Type']).toBe('application/x-amz-json-1.1');
    expect(Number(response.headers['Content-Length'])).toBe(Buffer.byteLength(response.body));
    expect(Number.isNaN(Date.parse(response.headers.Date!))).toBe(false);
  });

  it('accepts an empty body as {} and encodes blobs as base64 and timestamps as epoch seconds', async () => {
    const created = JSON.parse((await json('TrentService.CreateKey', '')).body);
    expect(typeof created.KeyMetadata.CreationDate).toBe('number');
    const encrypted = JSON.parse((await json('TrentService.Encrypt', { KeyId: created.KeyMetadata.KeyId, Plaintext: 'aGVsbG8=' })).body);
    expect(encrypted.CiphertextBlob).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const decrypted = JSON.parse((await json('TrentService.Decrypt', { CiphertextBlob: encrypted.CiphertextBlob })).body);
    expect(decrypted.Plaintext).toBe('aGVsbG8=');
  });

  it('sends InvalidCiphertextException with no message key, as real KMS does', async () => {
    const created = JSON.parse((await json('TrentService.CreateKey', {})).body);
    const encrypted = JSON.parse(
      (await json('TrentService.Encrypt', { KeyId: created.KeyMetadata.KeyId, Plaintext: 'aGVsbG8=', EncryptionContext: { a: 'b' } })).body,
    );
    const response = await json('TrentService.Decrypt', { CiphertextBlob: encrypted.CiphertextBlob, EncryptionContext: { a: 'c' } });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toEqual({ __type: 'InvalidCiphertextException' });
  });
});
