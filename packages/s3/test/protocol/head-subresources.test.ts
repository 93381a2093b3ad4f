import { describe, expect, it } from 'vitest';
import { headSubresourceRefusal } from '../../src/protocol/head-subresources.ts';

const query = (...names: string[]): Map<string, string> => new Map(names.map((name) => [name, '']));

describe('headSubresourceRefusal', () => {
  it('refuses a HEAD naming one subresource with 405, two with 400, a bucket’s partNumber with 400', () => {
    expect({
      versions: headSubresourceRefusal('HEAD', 'bucket', query('versions'))?.status,
      keyUpload: headSubresourceRefusal('HEAD', 'object', query('uploadId'))?.status,
      uploadPart: headSubresourceRefusal('HEAD', 'object', query('uploadId', 'partNumber'))?.status,
      two: headSubresourceRefusal('HEAD', 'bucket', query('acl', 'versioning'))?.code,
      keyTwo: headSubresourceRefusal('HEAD', 'object', query('tagging', 'partNumber'))?.code,
      bucketPart: headSubresourceRefusal('HEAD', 'bucket', query('partNumber'))?.message,
    }).toEqual({
      versions: 405,
      keyUpload: 405,
      uploadPart: 405,
      two: 'InvalidArgument',
      keyTwo: 'InvalidArgument',
      bucketPart: 'Object must have a valid key name.',
    });
  });

  it('leaves every other request alone: another method, no subresource, a key’s partNumber or versionId', () => {
    expect([
      headSubresourceRefusal('GET', 'bucket', query('versions')),
      headSubresourceRefusal('HEAD', 'bucket', query('x-id', 'max-keys', 'list-type')),
      headSubresourceRefusal('HEAD', 'object', query('partNumber', 'versionId')),
      headSubresourceRefusal('HEAD', 'service', query('acl')),
    ]).toEqual([undefined, undefined, undefined, undefined]);
  });
});
