/**
 * Known answers recreated from the official Go client's public tests
 * (aws/amazon-s3-encryption-client-go `v4/client/decryption_client_v4_test.go` at cb84cb0): a KMS
 * double answers the data key those tests' httptest server answers, and the S3 object carries the
 * same headers and body. They cover V3 (key commitment), V3 with a wrong and with an invalid
 * commitment (which must fail), V2 kms+context, the legacy `kms` wrap with AES-CBC and with AES-GCM
 * content, and Go's encryption-context validation table.
 */

import { describe, expect, it } from 'vitest';
import { type CommitmentPolicy, KmsKeyring, S3EncryptionClient } from '../src/index.ts';
import { kmsReturning } from './helpers/kms-double.ts';
import { memoryS3 } from './helpers/memory-s3.ts';

interface GoVector {
  readonly dataKey: string;
  readonly body: string;
  readonly metadata: Record<string, string>;
  readonly plaintext?: string;
}

const V2_KMS_CONTEXT: GoVector = {
  dataKey: 'hJUv7S6K2cHF64boS9ixHX0TZAjBZLT4ZpEO4XxkGnY=',
  body: '6b134eb7a353131de92faff64f594b2794e3544e31776cca26fe3bbeeffc68742d1007234f11c6670522602326868e29f37e9d2678f1614ec1a2418009b9772100929aadbed9a21a',
  metadata: {
    'x-amz-key-v2': 'PsuclPnlo2O0MQoov6kL1TBlaZG6oyNwWuAqmAgq7g8b9ZeeORi3VTMg624FU9jx',
    'x-amz-iv': 'dqqlq2dRVSQ5hFRb',
    'x-amz-matdesc': '{"aws:x-amz-cek-alg":"AES/GCM/NoPadding"}',
    'x-amz-wrap-alg': 'kms+context',
    'x-amz-cek-alg': 'AES/GCM/NoPadding',
  },
  plaintext: 'af150d7156bf5b3f5c461e5c6ac820acc5a33aab7085d920666c250ff251209d5a4029b3bd78250fab6e11aed52fae948d407056a9519b68',
};

const V3_KMS_CONTEXT: GoVector = {
  dataKey: 'lP6AbIQTmptyb/+WQq+ubDw+w7na0T1LGSByZGuaono=',
  body: '2d4ff4dafe27f69f628872d82b5a1002ed1a21b8485d532bd8159f6487945b3641af5865fc0a029a3650053600c6d213625b9a0cc9c239577c09f3423dedc5641e88b6835824417c',
  metadata: {
    'x-amz-3': '8gSzlk7giyfFbLPUVgoVjvQebI1827jp8lDkO+n2chsiSoegx1sjm8NdPk0Bl70I',
    'x-amz-c': '115',
    'x-amz-d': '6JOSx47RkdyfciJkNauuC4RpkMcWZY4a+i1RzQ==',
    'x-amz-i': 'sE9zLb4tsEBJkvEhLMZFxMj9oZJBbQ6ZOgOqHA==',
    'x-amz-t': '{"aws:x-amz-cek-alg":"115"}',
    'x-amz-w': '12',
  },
  plaintext: '8f2c59c6dbfcacf356f3da40788cbde67ca38161a4702cbcf757af663e1c24a600001b2f500417dbf5a050f57db6737422b2ed6a44c75e0d',
};

const V3_BAD_COMMITMENT_METADATA = {
  'x-amz-3':
    '8gSzlk7giyfFbLPUVgoVjvQebI1827jp8lDkO+n2chsiSoegx1sjm8NdPk0Bl70I/0X2GC1iX9Pszf1PAAAAfjB8BgkqhkiG9w0BBwagbzBtAgEAMGgGCSqGSIb3DQEHATAeBglghkgBZQMEAS4wEQQMDQPII4AynCy/rVwhAgEQgDueLCWabc8WgyoZkAnqVzESQ4NztSDxuETx3obcWJ9Jj6gDAAuDaAL5V+H5QFfwgBqWEcIYt2Ep9WcECw==',
  'x-amz-c': '115',
  'x-amz-d': 'FiQepGw+/O+3MuYrmQU5mAkotUnxB+W+EwYDHw==',
  'x-amz-i': 'cPwtbK08jrpe3x+QElyG+vGtkk9jDn6KmOta2Q==',
  'x-amz-t': '{"aws:x-amz-cek-alg":"115"}',
  'x-amz-w': '12',
};
const V3_BAD_COMMITMENT_BODY =
  'e403a8f941e43bdf0ca3ef0bcf6701acd739b2de0a8ee524fa89497210fb0213dfc856376a9ff7753db6ee549dc4040861bc7080a66f902441904bf4a003e028e982de8ea6958c30';

const LEGACY_KMS_CBC: GoVector = {
  dataKey: '7ItX9CTGNWWegC62RlaNu6EJ3+J9yGO7yAqDNU4CdeA=',
  body: '6f4f413a357a3c3a12289442fb835c5e4ecc8db1d86d3d1eab906ce07e1ad772180b2e9ec49c3fc667d8aceea8c46da6bb9738251a8e36241a473ad820f99c701906bac1f48578d5392e928889bbb1d9',
  metadata: {
    'x-amz-key-v2': '/nJlgMtxMNk2ErKLLrLp3H7A7aQyJcJOClE2ldAIIFNZU4OhUMc1mMCHdIEC8fby',
    'x-amz-iv': 'adO9U7pcEHxUTaguIkho9g==',
    'x-amz-matdesc': '{"kms_cmk_id":"test-key-id"}',
    'x-amz-wrap-alg': 'kms',
    'x-amz-cek-alg': 'AES/CBC/PKCS5Padding',
  },
  plaintext: 'a716e018ffecf4bb94d4352082af4662612d9c225efed6f389bf1f6f0447a9bce80cc712d7e66ee5e1c086af38e607ead351fd2c1a0247878e693ada73bd580b',
};

const LEGACY_KMS_GCM: GoVector = {
  dataKey: 'Hrjrkkt/vQwMYtqvK6+MiXh3xiMvviL1Ks7w2mgsJgU=',
  body: '6370a90b9a118301c2160c23a90d96146761276acdcfa92e6cbcb783abdc2e1813891506d6850754ef87ed2ac3bf570dd5c9da9492b7769ae1e639d073d688bd284815404ce2648a',
  metadata: {
    'x-amz-key-v2': '/7tu/RFXZU1UFwRzzf11IdF3b1wBxBZhnUMjVYHKKr5DjAHS602GvXt4zYcx/MJo',
    'x-amz-iv': '8Rlvyy8AoYj8v579',
    'x-amz-matdesc': '{"kms_cmk_id":"test-key-id"}',
    'x-amz-wrap-alg': 'kms',
    'x-amz-cek-alg': 'AES/GCM/NoPadding',
  },
  plaintext: '75f6805afa7d7be4f56c5906adc27a5959158bf4af6e7c7e12bda3458300f6b1c8daaf9a5949f7a6bdbb8a9c072de05bf0541633421f42f8',
};

interface Setup {
  readonly policy?: CommitmentPolicy;
  readonly legacyWrap?: boolean;
  readonly legacyUnauthenticated?: boolean;
  readonly context?: Record<string, string>;
}

async function read(vector: GoVector, setup: Setup = {}): Promise<{ plaintext: string; kms: ReturnType<typeof kmsReturning> }> {
  const s3 = memoryS3();
  s3.put('test', 'test', Buffer.from(vector.body, 'hex'), vector.metadata);
  const kms = kmsReturning(new Uint8Array(Buffer.from(vector.dataKey, 'base64')));
  const client = new S3EncryptionClient({
    s3: s3.client,
    keyring: new KmsKeyring({ kms, enableLegacyWrappingAlgorithms: setup.legacyWrap === true }),
    commitmentPolicy: setup.policy ?? 'FORBID_ENCRYPT_ALLOW_DECRYPT',
    enableLegacyUnauthenticatedModes: setup.legacyUnauthenticated === true,
  });
  const output = await client.getObject({ Bucket: 'test', Key: 'test' }, setup.context === undefined ? {} : { encryptionContext: setup.context });
  return { plaintext: Buffer.from((await output.Body?.transformToByteArray()) ?? []).toString('hex'), kms };
}

describe('Go S3EC v4 known answers', () => {
  it('V3 object (TestDecryptionClientV4_GetMockV3Object) decrypts under every policy', async () => {
    for (const policy of ['FORBID_ENCRYPT_ALLOW_DECRYPT', 'REQUIRE_ENCRYPT_ALLOW_DECRYPT', 'REQUIRE_ENCRYPT_REQUIRE_DECRYPT'] as const) {
      const { plaintext, kms } = await read(V3_KMS_CONTEXT, { policy });
      expect(plaintext).toBe(V3_KMS_CONTEXT.plaintext);
      expect(kms.decryptRequests[0]?.EncryptionContext).toEqual({ 'aws:x-amz-cek-alg': '115' });
    }
  });

  it('V3 object with an incorrect key commitment fails before any content is decrypted', async () => {
    const vector = { dataKey: V3_KMS_CONTEXT.dataKey, body: V3_BAD_COMMITMENT_BODY, metadata: V3_BAD_COMMITMENT_METADATA };
    await expect(read(vector)).rejects.toMatchObject({
      code: 'KeyCommitmentMismatch',
      message: expect.stringContaining('Derived key commitment value does not match value stored on encrypted message'),
    });
  });

  it('V3 object with an invalid base64 key commitment fails', async () => {
    const vector = { dataKey: V3_KMS_CONTEXT.dataKey, body: V3_BAD_COMMITMENT_BODY, metadata: { ...V3_BAD_COMMITMENT_METADATA, 'x-amz-d': 'notvalidbase64' } };
    await expect(read(vector)).rejects.toMatchObject({ code: 'MalformedMetadata', message: expect.stringContaining('x-amz-d is not valid base64') });
  });

  it('V2 kms+context object (TestDecryptionClientV4_GetMockV2Object) decrypts when V2 reads are allowed', async () => {
    expect((await read(V2_KMS_CONTEXT)).plaintext).toBe(V2_KMS_CONTEXT.plaintext);
    await expect(read(V2_KMS_CONTEXT, { policy: 'REQUIRE_ENCRYPT_REQUIRE_DECRYPT' })).rejects.toMatchObject({ code: 'CommitmentPolicyViolation' });
  });

  it('legacy kms + AES/CBC decrypts only with both legacy options', async () => {
    expect((await read(LEGACY_KMS_CBC, { legacyWrap: true, legacyUnauthenticated: true })).plaintext).toBe(LEGACY_KMS_CBC.plaintext);
    // Go: "configure client with enable legacy unauthenticated modes set to true to decrypt with AES/CBC/PKCS5Padding"
    await expect(read(LEGACY_KMS_CBC, { legacyWrap: true })).rejects.toMatchObject({
      code: 'LegacyModeDisabled',
      message: expect.stringContaining('AES/CBC/PKCS5Padding'),
    });
    await expect(read(LEGACY_KMS_CBC, { legacyUnauthenticated: true })).rejects.toMatchObject({ code: 'LegacyModeDisabled' });
  });

  it('legacy kms + AES/GCM decrypts with the legacy wrapping option, and sends {"kms_cmk_id"} verbatim', async () => {
    const { plaintext, kms } = await read(LEGACY_KMS_GCM, { legacyWrap: true });
    expect(plaintext).toBe(LEGACY_KMS_GCM.plaintext);
    expect(kms.decryptRequests[0]?.EncryptionContext).toEqual({ kms_cmk_id: 'test-key-id' });
    await expect(read(LEGACY_KMS_GCM)).rejects.toMatchObject({ code: 'LegacyModeDisabled' });
  });

  // Go TestDecryptionClientV4_EncryptionContextValidation_MockV2Object
  const table: readonly { name: string; stored: string; provided: Record<string, string>; error?: string }[] = [
    {
      name: 'matching encryption context',
      stored: '{"aws:x-amz-cek-alg":"AES/GCM/NoPadding","kms_cmk_id":"test-key-id","custom-key":"custom-value"}',
      provided: { 'custom-key': 'custom-value' },
    },
    {
      name: 'matching with multiple keys',
      stored: '{"aws:x-amz-cek-alg":"AES/GCM/NoPadding","kms_cmk_id":"test-key-id","key1":"value1","key2":"value2"}',
      provided: { key1: 'value1', key2: 'value2' },
    },
    { name: 'empty matches empty stored context', stored: '{"aws:x-amz-cek-alg":"AES/GCM/NoPadding","kms_cmk_id":"test-key-id"}', provided: {} },
    {
      name: 'mismatched value',
      stored: '{"aws:x-amz-cek-alg":"AES/GCM/NoPadding","kms_cmk_id":"test-key-id","custom-key":"stored-value"}',
      provided: { 'custom-key': 'different-value' },
      error: 'EncryptionContextMismatch',
    },
    {
      name: 'missing key in provided context',
      stored: '{"aws:x-amz-cek-alg":"AES/GCM/NoPadding","kms_cmk_id":"test-key-id","key1":"value1","key2":"value2"}',
      provided: { key1: 'value1' },
      error: 'EncryptionContextMismatch',
    },
    {
      name: 'extra key in provided context',
      stored: '{"aws:x-amz-cek-alg":"AES/GCM/NoPadding","kms_cmk_id":"test-key-id","key1":"value1"}',
      provided: { key1: 'value1', key2: 'value2' },
      error: 'EncryptionContextMismatch',
    },
    {
      name: 'stored context without kms_cmk_id',
      stored: '{"aws:x-amz-cek-alg":"AES/GCM/NoPadding","custom-key":"custom-value","another-key":"another-value"}',
      provided: { 'custom-key': 'custom-value', 'another-key': 'another-value' },
    },
    { name: 'invalid JSON', stored: '{"aws:x-amz-cek-alg":"AES/GCM/NoPadding","invalid-json":}', provided: { key1: 'value1' }, error: 'MalformedMetadata' },
    { name: 'not JSON at all', stored: 'not-json-at-all', provided: {}, error: 'MalformedMetadata' },
    { name: 'incomplete JSON', stored: '{"aws:x-amz-cek-alg":"AES/GCM/NoPadding"', provided: {}, error: 'MalformedMetadata' },
  ];
  for (const row of table) {
    it(`encryption context validation: ${row.name}`, async () => {
      const vector = { ...V2_KMS_CONTEXT, metadata: { ...V2_KMS_CONTEXT.metadata, 'x-amz-matdesc': row.stored } };
      if (row.error === undefined) expect((await read(vector, { context: row.provided })).plaintext).toBe(V2_KMS_CONTEXT.plaintext);
      else await expect(read(vector, { context: row.provided })).rejects.toMatchObject({ code: row.error });
    });
  }

  it('a stored context whose aws:x-amz-cek-alg names another algorithm is refused (spec PR #325)', async () => {
    const vector = { ...V3_KMS_CONTEXT, metadata: { ...V3_KMS_CONTEXT.metadata, 'x-amz-t': '{"aws:x-amz-cek-alg":"AES/GCM/NoPadding"}' } };
    await expect(read(vector)).rejects.toMatchObject({ code: 'ContentAlgorithmMismatch' });
    const v2 = { ...V2_KMS_CONTEXT, metadata: { ...V2_KMS_CONTEXT.metadata, 'x-amz-matdesc': '{}' } };
    await expect(read(v2)).rejects.toMatchObject({ code: 'ContentAlgorithmMismatch' });
  });
});
