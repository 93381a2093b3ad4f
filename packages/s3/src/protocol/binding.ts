/**
 * @module
 * How an S3 operation travels on the wire (smithy `aws.protocols#restXml`, the `http`,
 * `httpHeader`, `httpQuery`, `httpLabel`, `httpPayload` and `httpPrefixHeaders` traits of the S3
 * model), declared once per operation beside its definition (`rest` in `operations/*.ts`). The
 * REST router is derived from these declarations; nothing about an operation's wire form is
 * written anywhere else. Builders below keep the declarations short:
 *
 * ```ts
 * rest: {
 *   method: 'PUT', path: 'object',                       // PUT /{Bucket}/{Key+}
 *   request: { ContentMD5: header('content-md5'), Metadata: metadataHeaders(), Body: streamPayload(), ...SSE_WRITE_REQUEST },
 *   response: { ETag: header('etag'), ...SSE_RESPONSE },
 * }
 * ```
 */

import type { S3ErrorReason } from '../errors.ts';

/**
 * The types a header or query value converts to and from. `integer` is a string of digits,
 * refused with the generic `InvalidHeaderValue`; an `Int32Type` (see `int32`) is a signed 32-bit
 * integer refused with the member's own error.
 */
export type ScalarType = 'string' | 'integer' | 'boolean' | 'timestamp' | 'list' | Int32Type;

/**
 * A signed 32-bit integer, as S3 reads the listings' `max-keys`, `max-uploads`, `max-parts` and
 * `part-number-marker` (a Java `int`, `parseInt32`): optional `-`, then digits, within
 * -2147483648..2147483647, nothing around them. Anything else is refused with `malformed`,
 * carrying the value as sent as `ArgumentValue` (its `ArgumentName` is the error's own); an empty
 * value is absent. A negative value is left to the operation, which S3 refuses later and per
 * operation.
 */
export interface Int32Type {
  readonly kind: 'int32';
  readonly malformed: S3ErrorReason;
}

/** Where one member of a request or response travels. */
export type MemberBinding =
  /** A header (`httpHeader`); names lowercase. Timestamps are HTTP dates; lists comma-separated. */
  | { readonly in: 'header'; readonly name: string; readonly type: ScalarType }
  /** A query parameter (`httpQuery`). Timestamps are ISO 8601. */
  | { readonly in: 'query'; readonly name: string; readonly type: ScalarType }
  /** Every header with a prefix, as a map keyed by the rest of the name (`httpPrefixHeaders`, `x-amz-meta-`). */
  | { readonly in: 'prefix-headers'; readonly prefix: string }
  /** The body as a stream of bytes (`httpPayload` on a streaming blob: object bodies). */
  | { readonly in: 'payload'; readonly kind: 'stream' }
  /** The body as text (`httpPayload` on a string: a bucket policy). */
  | { readonly in: 'payload'; readonly kind: 'text' }
  /** The body as an XML document of one structure member (`httpPayload` on a structure). */
  | { readonly in: 'payload'; readonly kind: 'xml'; readonly root: string; readonly shape: XmlStructure }
  /** The body as an XML document whose root element's text is this member (GetBucketLocation's `<LocationConstraint>`). */
  | { readonly in: 'payload'; readonly kind: 'root-text'; readonly root: string };

/** The members of a message that travel outside a body, by SDK member name. */
export type MemberBindings = Readonly<Record<string, MemberBinding>>;

/** A request or response: bound members, and (optionally) the unbound members as one XML document. */
export interface MessageBinding {
  readonly members?: MemberBindings;
  /**
   * The members not bound above, as the XML body (`ListBucketsOutput` → `<ListAllMyBucketsResult>`).
   * Responses carry S3's namespace on the root.
   */
  readonly xml?: { readonly root: string; readonly shape: XmlStructure };
}

/** What a REST path names. */
export type PathTarget =
  /** `/`: the service (ListBuckets). */
  | 'service'
  /** `/{Bucket}`: a bucket. */
  | 'bucket'
  /** `/{Bucket}/{Key+}`: an object. */
  | 'object';

/** An operation's REST binding. */
export interface RestBinding {
  readonly method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE';
  readonly path: PathTarget;
  /**
   * Query parameters that select this operation among those of the same method and path: a name
   * (`uploads`: present, with or without a value) or `name=value` (`list-type=2`). The most
   * specific match wins (PutObject has none, UploadPart `partNumber` and `uploadId`).
   */
  readonly query?: readonly string[];
  /**
   * Subresources the operation accepts and ignores, with no request member: ListObjects answers
   * any `list-type` that ListObjectsV2's `list-type=2` does not take, and reads nothing of it.
   */
  readonly claims?: readonly string[];
  /** Request headers whose presence selects this operation (CopyObject: `x-amz-copy-source`). */
  readonly headers?: readonly string[];
  /**
   * What the operation refuses of its query before the credential, after its malformed 32-bit
   * integers and ahead of a `versionId` it does not take, by throwing its own error:
   * ListObjectVersions' markers, whose shape S3 refuses first (`RouteTable.refuseBeforeCredential`).
   * `names` are the query parameters `refuse` reads: without one of them it refuses nothing, so the
   * router skips it (and the scan for the operation) on requests that send none.
   */
  readonly refusedFirst?: { readonly names: readonly string[]; readonly refuse: (query: ReadonlyMap<string, string>) => void };
  /** The success status (default 200; S3's deletes answer 204), or a function of the output (GetObject: 206 for a range). */
  readonly status?: number | ((output: Readonly<Record<string, unknown>>) => number);
  readonly request?: MessageBinding;
  readonly response?: MessageBinding;
}

/** An XML value's shape. */
export type XmlShape = 'string' | 'integer' | 'boolean' | 'timestamp' | XmlStructure | XmlList;

/** A structure: its members by SDK name. */
export interface XmlStructure {
  readonly kind: 'structure';
  readonly members: Readonly<Record<string, XmlMember>>;
}

/** A member of a structure: its shape and element name (default: the member's name). */
export interface XmlMember {
  readonly shape: XmlShape;
  readonly name?: string;
}

/** A list: wrapped (`<Buckets><Bucket/>…</Buckets>`) or flattened (repeated `<Contents/>` in the parent). */
export interface XmlList {
  readonly kind: 'list';
  readonly member: XmlShape;
  /** The element of each item in a wrapped list (default `member`). */
  readonly memberName?: string;
  /** Items repeat in the parent under the member's element name (`xmlFlattened`). */
  readonly flattened?: boolean;
}

/**
 * A header member.
 * @example header('content-md5')
 */
export function header(name: string, type: ScalarType = 'string'): MemberBinding {
  return { in: 'header', name: name.toLowerCase(), type };
}

/**
 * A query member.
 * @example query('max-keys', 'integer')
 */
export function query(name: string, type: ScalarType = 'string'): MemberBinding {
  return { in: 'query', name, type };
}

/**
 * A signed 32-bit integer member refused with its own error when malformed (see `Int32Type`).
 * @example query('max-keys', int32('InvalidMaxKeys'))
 */
export function int32(malformed: S3ErrorReason): Int32Type {
  return { kind: 'int32', malformed };
}

/**
 * User metadata: every `x-amz-meta-*` header, keyed by the rest of its name (lowercase, as S3 keeps it).
 * @example metadataHeaders()
 */
export function metadataHeaders(): MemberBinding {
  return { in: 'prefix-headers', prefix: 'x-amz-meta-' };
}

/**
 * The body as a byte stream.
 * @example streamPayload()
 */
export function streamPayload(): MemberBinding {
  return { in: 'payload', kind: 'stream' };
}

/**
 * The body as text.
 * @example textPayload()
 */
export function textPayload(): MemberBinding {
  return { in: 'payload', kind: 'text' };
}

/**
 * The body as an XML document whose root's text is the member.
 * @example rootText('LocationConstraint')
 */
export function rootText(root: string): MemberBinding {
  return { in: 'payload', kind: 'root-text', root };
}

/**
 * The body as the XML document of one structure member.
 * @example xmlPayload('CreateBucketConfiguration', struct({ LocationConstraint: 'string' }))
 */
export function xmlPayload(root: string, shape: XmlStructure): MemberBinding {
  return { in: 'payload', kind: 'xml', root, shape };
}

/**
 * A structure shape; a member given as a shape keeps its own name, `{ shape, name }` renames it.
 * @example struct({ Name: 'string', CreationDate: 'timestamp' })
 */
export function struct(members: Readonly<Record<string, XmlShape | XmlMember>>): XmlStructure {
  const out = Object.create(null) as Record<string, XmlMember>;
  for (const [name, member] of Object.entries(members)) out[name] = isMember(member) ? member : { shape: member };
  return { kind: 'structure', members: out };
}

/**
 * A wrapped list (`<Buckets><Bucket>…</Bucket></Buckets>`: `list(bucket, 'Bucket')`).
 * @example list(struct({ Name: 'string' }), 'Bucket')
 */
export function list(member: XmlShape, memberName = 'member'): XmlList {
  return { kind: 'list', member, memberName };
}

/**
 * A flattened list: items repeat in the parent, each under `name` (`Rules` → `<Rule>`).
 * @example { Rules: flattened(rule, 'Rule') }
 */
export function flattened(member: XmlShape, name?: string): XmlMember {
  return { shape: { kind: 'list', member, flattened: true }, ...(name === undefined ? {} : { name }) };
}

function isMember(value: XmlShape | XmlMember): value is XmlMember {
  return typeof value === 'object' && 'shape' in value;
}
