/**
 * Hostile input on KMS's AWS JSON 1.1 wire (issue #14): raw requests, not through the SDK (which
 * would validate them), to every operation of a real endpoint on a loopback port with a data
 * directory. Every request is answered in time, below 500, with a JSON error carrying `__type`
 * and a message, no stack trace or path; afterwards the keys, aliases, grants, policies, tags,
 * the trail's successful writes and the data directory's files are as they were, and no
 * prototype was touched. Prototype-named members in every map (encryption contexts, tags, grant
 * constraints, policies) are ordinary names, round-tripped as such.
 */

import { CreateKeyCommand, ListGrantsCommand, ListResourceTagsCommand, RevokeGrantCommand, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import { OPERATION_NAMES } from '@strongbox/kms';
import { DEFAULT_MAX_BODY_BYTES } from '@strongbox/service-kernel';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANSWER_BOUND_MS, answerOf, expectJsonError, type FuzzTarget, fuzzRuns, snapshot, startFuzzTarget } from './fuzz/fixture.ts';
import {
  anyJson,
  deepNesting,
  emit,
  hostileString,
  invalidBase64,
  type JsonText,
  malformedJson,
  PROTOTYPE_KEYS,
  prototypeMap,
} from './fuzz/json-arbitraries.ts';
import { exchange, type RawRequest, serialize } from './fuzz/raw-http.ts';
import { recordReliability } from './summary.ts';

const METRIC = 'requests fuzzed (KMS JSON 1.1)';
const RUNS = fuzzRuns(250);

/** Operations that change nothing a snapshot sees, so they may name real keys. */
const READ_ONLY = new Set([
  'Encrypt',
  'Decrypt',
  'ReEncrypt',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
  'GenerateMac',
  'VerifyMac',
  'Sign',
  'Verify',
  'GetPublicKey',
  'DescribeKey',
  'GetKeyPolicy',
  'GetKeyRotationStatus',
  'ListAliases',
  'ListGrants',
  'ListKeyPolicies',
  'ListKeyRotations',
  'ListKeys',
  'ListResourceTags',
  'ListRetirableGrants',
  'GenerateRandom',
  'Encapsulate',
  'Decapsulate',
  'DeriveSharedSecret',
  'GetKeyLastUsage',
]);

/** Members that name a key, alias or grant: for a changing operation always one that does not exist. */
const IDENTIFIERS = ['KeyId', 'TargetKeyId', 'AliasName', 'GrantId', 'GrantToken', 'SourceKeyId', 'DestinationKeyId'];

/** The members of KMS requests by the type their operations declare (names are shared across operations). */
const BLOBS = [
  'Plaintext',
  'CiphertextBlob',
  'Message',
  'Signature',
  'Mac',
  'ImportToken',
  'EncryptedKeyMaterial',
  'PublicKey',
  'Recipient',
  'EncapsulatedKey',
  'AttestationDocument',
];
const MAPS = ['EncryptionContext', 'SourceEncryptionContext', 'DestinationEncryptionContext'];
const STRINGS = [
  'EncryptionAlgorithm',
  'KeySpec',
  'DataKeySpec',
  'KeyPairSpec',
  'MessageType',
  'SigningAlgorithm',
  'MacAlgorithm',
  'Policy',
  'PolicyName',
  'Description',
  'KeyUsage',
  'Origin',
  'GranteePrincipal',
  'RetiringPrincipal',
  'Name',
  'Marker',
  'SourceEncryptionAlgorithm',
  'DestinationEncryptionAlgorithm',
  'ExpirationModel',
  'WrappingAlgorithm',
  'WrappingKeySpec',
  'ReplicaRegion',
  'PrimaryRegion',
  'KeyAgreementAlgorithm',
  'CustomKeyStoreId',
  'XksKeyId',
  'KeyMaterialId',
  'KeyEncryptionAlgorithm',
  'KeyMaterialDescription',
  'IncludeKeyMaterial',
];
const NUMBERS = ['NumberOfBytes', 'Limit', 'PendingWindowInDays', 'RotationPeriodInDays', 'ValidTo'];
const BOOLEANS = ['DryRun', 'BypassPolicyLockoutSafetyCheck', 'MultiRegion', 'IncludeKeyMaterial'];
const LISTS = ['GrantTokens', 'Tags', 'TagKeys', 'Operations', 'EncryptionAlgorithms', 'SigningAlgorithms', 'MacAlgorithms'];

/** Key ids that name nothing: absent keys and aliases, malformed ids, wrong types. */
const absentIdentifier: fc.Arbitrary<JsonText> = fc.oneof(
  fc.uuid().map((id) => `ffffffff${id.slice(8)}`),
  fc.uuid().map((id) => `arn:aws:kms:us-east-1:000000000000:key/ffffffff${id.slice(8)}`),
  fc.stringMatching(/^[a-z0-9]{1,20}$/).map((name) => `alias/absent-${name}`),
  fc.stringMatching(/^[a-z0-9]{1,20}$/).map((name) => `arn:aws:kms:us-east-1:000000000000:alias/absent-${name}`),
  fc.constantFrom(
    'alias/aws/absent-service',
    'arn:aws:kms:us-east-1:111122223333:alias/fuzz-target',
    'alias/',
    'alias/aws/',
    'mrk-00000000000000000000000000000000',
  ),
  hostileString,
  anyJson(1),
);

function realIdentifier(target: FuzzTarget): fc.Arbitrary<JsonText> {
  const arn = (id: string) => `arn:aws:kms:us-east-1:000000000000:key/${id}`;
  const { symmetric, rsa, hmac, ecc } = target.keys;
  return fc.constantFrom(symmetric, rsa, hmac, ecc, arn(symmetric), arn(rsa), target.alias, `arn:aws:kms:us-east-1:000000000000:${target.alias}`);
}

const plausibleMap = fc.oneof(
  prototypeMap(fc.oneof(fc.string({ maxLength: 20 }), anyJson(1))),
  fc.array(fc.tuple(fc.string({ maxLength: 12 }), fc.oneof(fc.string({ maxLength: 12 }), anyJson(1))), { maxLength: 6 }).map((object) => ({ object })),
  anyJson(1),
);

/** A value for `member` of its own type but out of bounds, or of another type. */
function memberValue(member: string): fc.Arbitrary<JsonText> {
  if (BLOBS.includes(member)) {
    return fc.oneof(
      invalidBase64,
      fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('base64')),
      fc.integer({ min: 4097, max: 200_000 }).map((length) => Buffer.alloc(length, 7).toString('base64')),
      anyJson(1),
    );
  }
  if (MAPS.includes(member)) return plausibleMap;
  if (NUMBERS.includes(member)) return fc.oneof(fc.integer(), fc.constantFrom(0, -1, 2 ** 31, 2 ** 53, 1.5, Number.MAX_VALUE), anyJson(1));
  if (BOOLEANS.includes(member)) return fc.oneof(fc.boolean(), anyJson(1));
  if (LISTS.includes(member)) {
    return fc.oneof(
      fc.array(anyJson(1), { maxLength: 5 }).map((array) => ({ array })),
      fc.array(prototypeMap(fc.string({ maxLength: 10 })), { maxLength: 3 }).map((array) => ({ array })),
      fc
        .array(
          fc.record({ TagKey: hostileString, TagValue: hostileString }).map(({ TagKey, TagValue }) => ({
            object: [
              ['TagKey', TagKey],
              ['TagValue', TagValue],
            ] as [string, JsonText][],
          })),
          { maxLength: 3 },
        )
        .map((array) => ({ array })),
      fc.integer({ min: 51, max: 2000 }).map((length) => ({ array: Array.from({ length }, () => 'token') })),
      anyJson(1),
    );
  }
  if (member === 'Constraints') {
    return fc.oneof(
      fc
        .tuple(fc.constantFrom('EncryptionContextSubset', 'EncryptionContextEquals', '__proto__', 'constructor'), plausibleMap)
        .map(([name, value]) => ({ object: [[name, value]] as [string, JsonText][] })),
      anyJson(2),
    );
  }
  if (member === 'Policy') {
    return fc.oneof(
      hostileString,
      deepNesting,
      prototypeMap(anyJson(2)).map((value) => emit(value)),
      fc.constantFrom(
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"__proto__":"*"},"Action":"kms:*","Resource":"*","Condition":{"__proto__":{"constructor":"x"}}}]}',
      ),
      anyJson(1),
    );
  }
  return fc.oneof(hostileString, anyJson(1));
}

/** CreateKey creates a key from almost anything: each of its requests carries one of these refusals. */
const createKeyPoison: fc.Arbitrary<readonly [string, JsonText]> = fc.oneof(
  fc.constant(['KeySpec', 'NOT_A_SPEC'] as const),
  fc.constant(['KeyUsage', 'NOT_A_USAGE'] as const),
  fc.constant(['Origin', 'NOT_AN_ORIGIN'] as const),
  fc.constant(['Description', 'd'.repeat(8193)] as const),
  fc.constant(['Policy', '{'] as const),
  fc.constant(['Tags', { object: [['__proto__', 'x']] }] as const),
  fc.constant(['MultiRegion', 'yes'] as const),
);

/** One hostile KMS request: which operation, its body as bytes, and headers that may be wrong too. */
function kmsRequest(target: FuzzTarget): fc.Arbitrary<{ operation: string; body: Uint8Array | string; headers: [string, string][] }> {
  const operations = [...OPERATION_NAMES, 'CreateCustomKeyStore', 'NotAnOperation', '', '__proto__', 'constructor', 'Encrypt ', 'encrypt'];
  const allMembers = [...IDENTIFIERS, ...BLOBS, ...MAPS, ...STRINGS, ...NUMBERS, ...BOOLEANS, ...LISTS, 'Constraints', '__proto__', 'constructor'];
  const structured = fc.constantFrom(...operations).chain((operation) => {
    const readOnly = READ_ONLY.has(operation);
    const identifier = readOnly ? fc.oneof(realIdentifier(target), absentIdentifier) : absentIdentifier;
    const members = fc
      .uniqueArray(fc.constantFrom(...allMembers), { maxLength: 6 })
      .chain((names) => fc.tuple(...names.map((name) => (IDENTIFIERS.includes(name) ? identifier : memberValue(name)).map((value) => [name, value] as const))));
    return fc.tuple(identifier, members, createKeyPoison).map(([keyId, chosen, poison]) => {
      const entries: (readonly [string, JsonText])[] = [['KeyId', keyId], ...chosen];
      // A changing operation must fail: its identifiers name nothing, and CreateKey (which needs
      // none) always carries a member it refuses.
      if (operation === 'CreateKey') entries.push([poison[0], poison[1]]);
      return { operation, body: emit({ object: entries }) };
    });
  });
  const unstructured = fc
    .tuple(fc.constantFrom(...operations), fc.oneof(malformedJson, deepNesting, anyJson(3).map(emit)))
    // CreateKey makes a key out of any JSON object (unknown members are ignored): it gets only bodies that are none.
    .filter(([operation, body]) => operation !== 'CreateKey' || !isJsonObject(body))
    .map(([operation, body]) => ({ operation, body }));
  const headers = fc.oneof(
    { weight: 6, arbitrary: fc.constant([] as [string, string][]) },
    {
      weight: 1,
      arbitrary: fc.constantFrom<[string, string][]>(
        [['content-type', 'application/json']],
        [['content-type', 'text/plain']],
        [['content-type', '']],
        [['x-amz-target', 'TrentService.ListKeys']],
        [['content-encoding', 'gzip']],
        [['transfer-encoding', 'chunked']],
      ),
    },
  );
  return fc
    .tuple(fc.oneof({ weight: 3, arbitrary: structured }, { weight: 1, arbitrary: unstructured }), headers)
    .map(([request, extra]) => ({ ...request, headers: extra }));
}

function isJsonObject(body: Uint8Array | string): boolean {
  try {
    // As the server reads it: UTF-8 without its byte order mark, and an empty body is `{}`.
    const text = new TextDecoder('utf-8', { fatal: true }).decode(typeof body === 'string' ? Buffer.from(body) : body);
    if (text.trim() === '') return true;
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

function wire(operation: string, body: Uint8Array | string, extra: readonly [string, string][]): RawRequest {
  const headers: [string, string][] = [
    ['host', 'localhost'],
    ['x-amz-target', `TrentService.${operation}`],
  ];
  if (!extra.some(([name]) => name === 'content-type')) headers.push(['content-type', 'application/x-amz-json-1.1']);
  headers.push(...extra.filter(([name]) => name !== 'transfer-encoding'));
  return { method: 'POST', target: '/', headers, body };
}

describe('KMS JSON 1.1 under hostile input', () => {
  let target: FuzzTarget;
  beforeAll(async () => {
    target = await startFuzzTarget();
  }, 60_000);
  afterAll(async () => {
    await target?.close();
  });

  it('answers every hostile request to every operation with a JSON error, and changes nothing', async () => {
    const before = await snapshot(target);
    const prototype = Object.getOwnPropertyNames(Object.prototype);
    let tried = 0;
    try {
      await fc.assert(
        fc.asyncProperty(kmsRequest(target), async ({ operation, body, headers }) => {
          tried += 1;
          const what = `${operation} ${typeof body === 'string' ? body.slice(0, 160) : Buffer.from(body).toString('hex').slice(0, 160)}`;
          const answer = answerOf(await exchange(target.port, serialize(wire(operation, body, headers)), ANSWER_BOUND_MS), what);
          if (answer.status === 200 && READ_ONLY.has(operation)) return;
          // Over the edge's limit, the kernel's documented 413 (see the test of it below).
          if (Buffer.byteLength(body) > DEFAULT_MAX_BODY_BYTES) return void expect(answer.status, what).toBe(413);
          const contentType = headers.find(([name]) => name === 'content-type')?.[1] ?? 'application/x-amz-json-1.1';
          if (!contentType.startsWith('application/x-amz-json-1.1')) {
            // Coral's answer to a body it cannot read as JSON 1.1 (json11.ts): 404 and this XML.
            expect(answer.status, what).toBe(404);
            expect(answer.body.toString('utf8'), what).toBe('<UnknownOperationException/>\n');
            return;
          }
          expectJsonError(answer, what);
        }),
        { numRuns: RUNS },
      );
    } finally {
      recordReliability(METRIC, tried);
    }
    expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(prototype);
    expect(await snapshot(target)).toEqual(before);
  }, 600_000);

  it('answers a body over the edge limit with 413 and closes, changing nothing', async () => {
    const before = await snapshot(target);
    const huge = `{"KeyId":"${'k'.repeat(2 * 1024 * 1024)}"}`;
    const exchanged = await exchange(target.port, serialize(wire('CreateAlias', huge, [])), ANSWER_BOUND_MS);
    recordReliability(METRIC, 1);
    // UNCONFIRMED: what KMS's front end answers to a body over its limit; the kernel edge answers
    // 413 (documented in @strongbox/service-kernel), not a JSON error.
    expect(answerOf(exchanged, 'a 2 MiB body').status).toBe(413);
    expect(await snapshot(target)).toEqual(before);
  }, 60_000);

  it('takes prototype-named members of every map as ordinary names', async () => {
    const { KeyMetadata } = await target.kms.send(new CreateKeyCommand({ Description: 'prototype maps' }));
    const keyId = KeyMetadata?.KeyId ?? '';
    let tried = 0;
    const call = async (operation: string, body: JsonText) => {
      tried += 1;
      const answer = answerOf(await exchange(target.port, serialize(wire(operation, emit(body), [])), ANSWER_BOUND_MS), `${operation} ${emit(body)}`);
      return { status: answer.status, json: JSON.parse(answer.body.toString('utf8') || '{}') as Record<string, unknown> };
    };
    const names = fc.subarray([...PROTOTYPE_KEYS], { minLength: 1 });
    try {
      await fc.assert(
        fc.asyncProperty(names, fc.string({ minLength: 1, maxLength: 16 }), async (chosen, value) => {
          const context = { object: chosen.map((name) => [name, value] as [string, JsonText]) };
          // Encrypt and Decrypt: the context is bound as given, and only the same context opens it.
          const encrypted = await call('Encrypt', {
            object: [
              ['KeyId', keyId],
              ['Plaintext', 'aGVsbG8='],
              ['EncryptionContext', context],
            ],
          });
          expect(encrypted.status).toBe(200);
          const blob = encrypted.json['CiphertextBlob'] as string;
          const decrypted = await call('Decrypt', {
            object: [
              ['CiphertextBlob', blob],
              ['EncryptionContext', context],
            ],
          });
          expect(decrypted.status).toBe(200);
          expect(decrypted.json['Plaintext']).toBe('aGVsbG8=');
          const without = await call('Decrypt', {
            object: [
              ['CiphertextBlob', blob],
              ['EncryptionContext', { object: chosen.slice(1).map((name) => [name, value] as [string, JsonText]) }],
            ],
          });
          expect(without.status).toBe(400);
          expect(without.json['__type']).toBe('InvalidCiphertextException');
          // Tags named after prototype members are tags.
          const tagged = await call('TagResource', {
            object: [
              ['KeyId', keyId],
              [
                'Tags',
                {
                  array: chosen.map((name) => ({
                    object: [
                      ['TagKey', name],
                      ['TagValue', value],
                    ] as [string, JsonText][],
                  })),
                },
              ],
            ],
          });
          expect(tagged.status).toBe(200);
          // A grant constrained by such a context lists the context back as given.
          const granted = await call('CreateGrant', {
            object: [
              ['KeyId', keyId],
              ['GranteePrincipal', 'arn:aws:iam::000000000000:role/fuzz'],
              ['Operations', { array: ['Decrypt'] }],
              ['Constraints', { object: [['EncryptionContextEquals', context]] }],
            ],
          });
          expect(granted.status).toBe(200);
        }),
        { numRuns: Math.max(5, Math.floor(RUNS / 10)) },
      );
      const tags = (await target.kms.send(new ListResourceTagsCommand({ KeyId: keyId }))).Tags ?? [];
      expect(tags.map((tag) => tag.TagKey)).toEqual(expect.arrayContaining(['__proto__']));
      const grants = (await target.kms.send(new ListGrantsCommand({ KeyId: keyId }))).Grants ?? [];
      expect(grants.some((grant) => Object.hasOwn(grant.Constraints?.EncryptionContextEquals ?? {}, '__proto__'))).toBe(true);
      // A policy whose Principal and Condition are named after prototype members is refused or kept, never a crash.
      const policy = await call('PutKeyPolicy', {
        object: [
          ['KeyId', keyId],
          ['PolicyName', 'default'],
          [
            'Policy',
            emit({
              object: [
                ['Version', '2012-10-17'],
                [
                  'Statement',
                  {
                    array: [
                      {
                        object: [
                          ['Effect', 'Allow'],
                          ['Principal', { object: [['__proto__', { object: [['AWS', '*']] }]] }],
                          ['Action', 'kms:*'],
                          ['Resource', '*'],
                        ],
                      },
                    ],
                  },
                ],
                ['__proto__', { object: [['polluted', true]] }],
              ],
            }),
          ],
        ],
      });
      expect(policy.status).toBeLessThan(500);
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      expect(({} as Record<string, unknown>)['AWS']).toBeUndefined();
      for (const grant of grants) await target.kms.send(new RevokeGrantCommand({ KeyId: keyId, GrantId: grant.GrantId ?? '' }));
      await target.kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    } finally {
      recordReliability(METRIC, tried);
    }
  }, 600_000);
});
