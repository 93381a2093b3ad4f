/** Version ids of buckets never versioned: only `null` names a version; S3's two refusals. */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkVersionId, NULL_VERSION_ID, S3Error, versionConditions } from '../../src/index.ts';
import { catchS3 } from '../helpers/errors.ts';

describe('checkVersionId', () => {
  it('takes no version id and null, the current object', () => {
    expect(() => checkVersionId(undefined)).not.toThrow();
    expect(() => checkVersionId(NULL_VERSION_ID)).not.toThrow();
  });

  it("refuses an empty id with S3's own text, naming the argument", () => {
    const error = catchS3(() => checkVersionId('', 'x-amz-copy-source'));
    expect([error.code, error.status, error.message, error.fields]).toEqual([
      'InvalidArgument',
      400,
      'Version id cannot be the empty string',
      [
        ['ArgumentName', 'x-amz-copy-source'],
        ['ArgumentValue', ''],
      ],
    ]);
  });

  it('property: refuses every other id, 400 InvalidArgument "Invalid version id specified" with the id as ArgumentValue', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((id) => id !== NULL_VERSION_ID),
        (id) => {
          const error = catchS3(() => checkVersionId(id));
          expect(error).toBeInstanceOf(S3Error);
          expect([error.code, error.status, error.message, error.fields]).toEqual([
            'InvalidArgument',
            400,
            'Invalid version id specified',
            [
              ['ArgumentName', 'versionId'],
              ['ArgumentValue', id],
            ],
          ]);
        },
      ),
    );
  });
});

describe('versionConditions', () => {
  it('is s3:versionid for a request naming a version, nothing otherwise', () => {
    expect({ ...versionConditions('null') }).toEqual({ 's3:versionid': 'null' });
    expect({ ...versionConditions(undefined) }).toEqual({});
  });
});
