/** UploadPartCopy's (and CopyObject's) copy source: bucket/key, percent-decoded, with a version. */

import { describe, expect, it } from 'vitest';
import { parseCopySource } from '../../src/index.ts';
import { catchS3 } from '../helpers/errors.ts';

describe('parseCopySource', () => {
  it('parses bucket/key with or without a leading slash, percent-decoded, with a version', () => {
    expect(parseCopySource('b/k')).toEqual({ bucket: 'b', key: 'k' });
    expect(parseCopySource('/b/dir/a%20b%2Bc')).toEqual({ bucket: 'b', key: 'dir/a b+c' });
    expect(parseCopySource('b/k%3Fx?versionId=null')).toEqual({ bucket: 'b', key: 'k?x', versionId: 'null' });
    for (const value of ['b', 'b/', '/b', '//k', '', 'b/%zz', 7]) expect(catchS3(() => parseCopySource(value)).message).toBe('Invalid copy source object key');
  });
});
