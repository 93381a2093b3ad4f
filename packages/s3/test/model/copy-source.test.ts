import { describe, expect, it } from 'vitest';
import { checkCopySourceSize, checkInPlaceCopy, type EncryptionMode, MAX_COPY_SOURCE_SIZE, metadataDirective, parseCopySource } from '../../src/index.ts';
import { catchS3 } from '../helpers/errors.ts';

describe('parseCopySource', () => {
  it.each([
    ['src/key', { bucket: 'src', key: 'key' }],
    ['/src/a/b/c', { bucket: 'src', key: 'a/b/c' }],
    ['src/a%2Fb%20c%F0%9F%98%80', { bucket: 'src', key: 'a/b c😀' }],
    ['src/a+b', { bucket: 'src', key: 'a b' }],
    ['src/a%2Bb', { bucket: 'src', key: 'a+b' }],
    ['src/k?versionId=null', { bucket: 'src', key: 'k', versionId: 'null' }],
    ['src/k?other=1', { bucket: 'src', key: 'k' }],
  ])('%j is %j', (value, parsed) => {
    expect(parseCopySource(value)).toEqual(parsed);
  });

  it.each(['wrongformat', 'src/', '/src', '/', '', '/src/', 'src/%zz', 'src/%E0%A4%A'])(
    '%j is 400 InvalidArgument "Invalid copy source object key" naming the header',
    (value) => {
      const error = catchS3(() => parseCopySource(value));
      expect([error.status, error.code, error.message, error.fields]).toEqual([
        400,
        'InvalidArgument',
        'Invalid copy source object key',
        [
          ['ArgumentName', 'x-amz-copy-source'],
          ['ArgumentValue', 'x-amz-copy-source'],
        ],
      ]);
    },
  );

  it('refuses a value that is not text', () => {
    expect(catchS3(() => parseCopySource(undefined)).code).toBe('InvalidArgument');
  });
});

describe('the other CopyObject rules', () => {
  it('MetadataDirective is COPY by default, COPY or REPLACE, and nothing else', () => {
    expect([metadataDirective(undefined), metadataDirective('COPY'), metadataDirective('REPLACE')]).toEqual(['COPY', 'COPY', 'REPLACE']);
    expect(catchS3(() => metadataDirective('copy')).fields).toEqual([
      ['ArgumentName', 'x-amz-metadata-directive'],
      ['ArgumentValue', 'copy'],
    ]);
  });

  it('a copy onto itself is refused only when nothing changes', () => {
    const unchanged = {
      metadataDirective: 'COPY' as const,
      requestNamesEncryption: false,
      bucketEncryptionConfigured: false,
      requestNamesStorageClass: false,
      requestNamesWebsiteRedirect: false,
      sourceMode: 'SSE-S3' as EncryptionMode,
    };
    expect(catchS3(() => checkInPlaceCopy(unchanged)).code).toBe('InvalidRequest');
    for (const change of [
      { metadataDirective: 'REPLACE' as const },
      { requestNamesEncryption: true },
      { bucketEncryptionConfigured: true },
      { requestNamesStorageClass: true },
      { requestNamesWebsiteRedirect: true },
      { sourceMode: 'SSE-C' as EncryptionMode },
      { sourceMode: 'SSE-KMS' as EncryptionMode },
    ]) {
      expect(() => checkInPlaceCopy({ ...unchanged, ...change })).not.toThrow();
    }
  });

  it('copies at most 5 GiB', () => {
    expect(() => checkCopySourceSize(MAX_COPY_SOURCE_SIZE)).not.toThrow();
    expect(catchS3(() => checkCopySourceSize(MAX_COPY_SOURCE_SIZE + 1)).code).toBe('InvalidRequest');
  });
});
