import { describe, expect, it } from 'vitest';
import { S3Error } from '../../src/index.ts';
import { OPERATIONS } from '../../src/operations/index.ts';
import type { OperationDefinition } from '../../src/operations/types.ts';
import { int32, query } from '../../src/protocol/binding.ts';
import { type RoutedOperation, RouteTable } from '../../src/protocol/routes.ts';

const table = new RouteTable<RoutedOperation>([
  { name: 'PutObject', rest: { method: 'PUT', path: 'object' } },
  { name: 'UploadPart', rest: { method: 'PUT', path: 'object', query: ['partNumber', 'uploadId'] } },
  { name: 'CopyObject', rest: { method: 'PUT', path: 'object', headers: ['x-amz-copy-source'] } },
  { name: 'ListObjectsV2', rest: { method: 'GET', path: 'bucket', query: ['list-type=2'] } },
  {
    name: 'GetObject',
    rest: { method: 'GET', path: 'object', request: { members: { PartNumber: query('partNumber', 'integer'), VersionId: query('versionId') } } },
  },
]);

function route(method: string, target: 'service' | 'bucket' | 'object', search = '', headers: Record<string, string> = {}): string {
  return table.resolve({ method, target, query: new Map(new URLSearchParams(search)), headers }).name;
}

function refusal(action: () => unknown): S3Error {
  try {
    action();
  } catch (error) {
    if (error instanceof S3Error) return error;
  }
  throw new Error('expected an S3Error');
}

describe('the REST routing table', () => {
  it('picks the most specific binding that matches', () => {
    expect(route('PUT', 'object')).toBe('PutObject');
    expect(route('PUT', 'object', 'partNumber=1&uploadId=u')).toBe('UploadPart');
    expect(route('PUT', 'object', '', { 'x-amz-copy-source': '/b/k' })).toBe('CopyObject');
    expect(route('GET', 'bucket', 'list-type=2&prefix=a')).toBe('ListObjectsV2');
  });

  it('ignores query parameters that are not subresources (the SDK adds x-id)', () => {
    expect(route('PUT', 'object', 'x-id=PutObject')).toBe('PutObject');
  });

  it('serves a subresource a binding declares as a member (GetObject ?partNumber)', () => {
    expect(route('GET', 'object', 'partNumber=2')).toBe('GetObject');
  });

  it('serves a subresource a binding claims without a member (ListObjects: any list-type but 2)', () => {
    const claiming = new RouteTable<RoutedOperation>([
      { name: 'ListObjects', rest: { method: 'GET', path: 'bucket', claims: ['list-type'] } },
      { name: 'ListObjectsV2', rest: { method: 'GET', path: 'bucket', query: ['list-type=2'] } },
    ]);
    const at = (search: string): string => claiming.resolve({ method: 'GET', target: 'bucket', query: new Map(new URLSearchParams(search)), headers: {} }).name;
    expect([at('list-type=1'), at('list-type='), at(''), at('list-type=2')]).toEqual(['ListObjects', 'ListObjects', 'ListObjects', 'ListObjectsV2']);
    // A claim covers its own name only.
    expect(refusal(() => at('versions')).code).toBe('NotImplemented');
  });

  it('never serves a subresource as the plain operation: unbound ones are 501 NotImplemented', () => {
    const error = refusal(() => route('PUT', 'object', 'legal-hold'));
    expect([error.code, error.status]).toEqual(['NotImplemented', 501]);
    expect(error.message).toContain('?legal-hold');
    expect(refusal(() => route('GET', 'bucket', 'list-type=1')).code).toBe('NotImplemented');
  });

  it('names the subresource no operation serves, not a served one sent with it', () => {
    const error = refusal(() => route('GET', 'bucket', 'list-type=2&acl'));
    expect([error.code, error.status]).toEqual(['NotImplemented', 501]);
    expect(error.message).toContain('?acl subresource');
    expect(error.message).not.toContain('list-type');
  });

  it('serves a versionId to an operation that declares it', () => {
    expect(route('GET', 'object', 'versionId=null')).toBe('GetObject');
    expect(route('GET', 'object', 'versionId=null&partNumber=1')).toBe('GetObject');
  });

  it('a versionId on an operation that takes none is 400 VersionIdNotAccepted with the value, null and empty included', () => {
    for (const [method, target, search, headers, value] of [
      ['PUT', 'object', 'versionId=null', {}, 'null'],
      ['PUT', 'object', 'partNumber=1&uploadId=u&versionId=x', {}, 'x'],
      ['PUT', 'object', 'versionId=', { 'x-amz-copy-source': '/b/k' }, ''],
      ['GET', 'bucket', 'list-type=2&versionId=x', {}, 'x'],
    ] as const) {
      const error = refusal(() => route(method, target, search, headers));
      expect([error.reason, error.code, error.status, error.message, error.fields], search).toEqual([
        'VersionIdNotAccepted',
        'InvalidArgument',
        400,
        'This operation does not accept a version-id.',
        [
          ['ArgumentName', 'versionId'],
          ['ArgumentValue', value],
        ],
      ]);
    }
  });

  it('a versionId is no sub-API: with no operation for the rest of the request, the answer is the one without it', () => {
    expect(refusal(() => route('POST', 'object', 'versionId=x')).code).toBe('MethodNotAllowed');
    const error = refusal(() => route('PUT', 'object', 'legal-hold&versionId=x'));
    expect(error.code).toBe('NotImplemented');
    expect(error.message).toContain('?legal-hold');
    expect(error.message).not.toContain('versionId');
  });

  // brekkylab/backlot `_BUCKET_WRITE_SELECTORS`, `_OBJECT_WRITE_SELECTORS`, `_UPLOAD_PART`
  // (measured against S3 us-east-1 2026-09-23): each method a selector lacks is the 405 naming the
  // selector's type, with the selector's `Allow`.
  it("a write naming a selector with a method it lacks is 405 naming the selector's type, with its Allow", () => {
    const answers = (
      [
        ['DELETE', 'bucket', 'versioning'],
        ['POST', 'bucket', 'encryption'],
        ['PATCH', 'bucket', 'policy'],
        ['PUT', 'bucket', 'location'],
        ['PUT', 'object', 'uploadId=u'],
        ['POST', 'object', 'tagging'],
        ['DELETE', 'object', 'partNumber=1&uploadId=u'],
        ['PUT', 'object', 'torrent'],
      ] as const
    ).map(([method, target, search]) => {
      const error = refusal(() => route(method, target, search));
      return [error.status, error.code, error.fields, error.allow];
    });
    const refused = (method: string, type: string, allow?: string): unknown[] => [
      405,
      'MethodNotAllowed',
      [
        ['Method', method],
        ['ResourceType', type],
      ],
      allow,
    ];
    expect(answers).toEqual([
      refused('DELETE', 'VERSIONING', 'GET, PUT'),
      refused('POST', 'ENCRYPTION', 'DELETE, GET, PUT'),
      refused('PATCH', 'BUCKETPOLICY', 'DELETE, GET, PUT'),
      refused('PUT', 'LOCATION', 'GET'),
      refused('PUT', 'UPLOAD', 'DELETE, POST, GET'),
      refused('POST', 'OBJECT_TAGGING', 'DELETE, GET, PUT'),
      refused('DELETE', 'PART', 'PUT'),
      refused('PUT', 'TORRENT'),
    ]);
  });

  it("a method that is an operation of the selector keeps Strongbox's 501 where it is not served", () => {
    expect([refusal(() => route('DELETE', 'bucket', 'cors')).code, refusal(() => route('POST', 'bucket', 'metadataTable')).code]).toEqual([
      'NotImplemented',
      'NotImplemented',
    ]);
  });

  it('answers other misses with 405 MethodNotAllowed naming the method and resource type', () => {
    const error = refusal(() => route('POST', 'object'));
    expect([error.code, error.status, error.fields]).toEqual([
      'MethodNotAllowed',
      405,
      [
        ['Method', 'POST'],
        ['ResourceType', 'OBJECT'],
      ],
    ]);
  });

  it('before the credential, names the operation it had to find, only for a request sending what is read first', () => {
    const listings = new RouteTable<RoutedOperation>([
      {
        name: 'ListObjectsV2',
        rest: { method: 'GET', path: 'bucket', query: ['list-type=2'], request: { members: { MaxKeys: query('max-keys', int32('InvalidMaxKeys')) } } },
      },
      {
        name: 'ListObjectVersions',
        rest: {
          method: 'GET',
          path: 'bucket',
          query: ['versions'],
          refusedFirst: {
            names: ['version-id-marker'],
            refuse: (sent) => {
              if (sent.get('version-id-marker') === '') throw new S3Error('EmptyVersionIdMarker', { fields: [['ArgumentValue', '']] });
            },
          },
        },
      },
      { name: 'GetObject', rest: { method: 'GET', path: 'object' } },
    ]);
    const before = (target: 'bucket' | 'object', search: string): string | undefined =>
      listings.refuseBeforeCredential({ method: 'GET', target, query: new Map(new URLSearchParams(search)), headers: {} })?.name;
    expect([
      before('bucket', 'list-type=2&max-keys=5'),
      before('bucket', 'versions&version-id-marker=null'),
      before('bucket', 'list-type=2&prefix=a'),
      before('object', 'x-id=GetObject'),
    ]).toEqual(['ListObjectsV2', 'ListObjectVersions', undefined, undefined]);
    expect(refusal(() => before('bucket', 'list-type=2&max-keys=abc')).reason).toBe('InvalidMaxKeys');
    expect(refusal(() => before('bucket', 'versions&version-id-marker=')).reason).toBe('EmptyVersionIdMarker');
  });

  it('refuses two operations that bind the same request', () => {
    expect(
      () =>
        new RouteTable([
          { name: 'A', rest: { method: 'GET', path: 'bucket', query: ['x'] } },
          { name: 'B', rest: { method: 'GET', path: 'bucket', query: ['x'] } },
        ]),
    ).toThrow(/two S3 operations bind/);
  });
});

describe('every served operation is on the wire', () => {
  it('is reached by a request of its own binding (no binding shadows another)', () => {
    const table = new RouteTable(Object.values(OPERATIONS as Record<string, OperationDefinition>));
    for (const operation of Object.values(OPERATIONS as Record<string, OperationDefinition>)) {
      const rest = operation.rest;
      const queryOf = new Map((rest.query ?? []).map((item) => (item.includes('=') ? (item.split('=') as [string, string]) : [item, '1'])));
      const headers = Object.fromEntries((rest.headers ?? []).map((name) => [name, 'x']));
      expect(table.resolve({ method: rest.method, target: rest.path, query: queryOf, headers }).name, operation.name).toBe(operation.name);
    }
  });

  it('binds no two operations to the same request', () => {
    expect(() => new RouteTable(Object.values(OPERATIONS as Record<string, OperationDefinition>))).not.toThrow();
  });
});
