/**
 * @module
 * Refusals the router answers before the credential: a HEAD's, a GET's or a write's conflicting subresources, CORS
 * preflights, a method S3 defines nothing for.
 * These are rows of `S3_ERRORS` (`../errors.ts`, which joins the topics); the source of each stands
 * beside it, UNCONFIRMED where no capture of real S3 exists.
 */

import type { S3WireError } from './wire.ts';

/** Routing: subresources on a HEAD, CORS preflights, unknown methods. */
export type RoutingErrorReason =
  | 'HeadConflictingSubresources'
  | 'ConflictingSubresources'
  | 'HeadPartNumberWithoutKey'
  | 'WebsiteWithValue'
  | 'AnnotationNameWithoutAnnotation'
  | 'PreflightWithoutOrigin'
  | 'PreflightInvalidMethod'
  | 'PreflightCorsDisabled'
  | 'PreflightNoBucket'
  | 'UnparseableMethod';

/** How S3 answers each `RoutingErrorReason`. */
export const ROUTING_ERRORS: Readonly<Record<RoutingErrorReason, S3WireError>> = {
  // A HEAD naming two subresources, or a bucket's `partNumber` alone: S3's 400, before the
  // credential, a HEAD's answer being its status alone (brekkylab/backlot, measured 2026-09-29,
  // `backlot/routers/s3.py` at commit 07bef4332838e4c4ee55118732a8ac1520f70d16, `_read_refusal`).
  // A GET's body names them ("Conflicting query string parameters: acl, versioning"); no HEAD
  // answer carries one (`protocol/head-subresources.ts`).
  HeadConflictingSubresources: { code: 'InvalidArgument', status: 400, message: 'Conflicting query string parameters' },
  // A GET or a write (PUT, POST, DELETE, PATCH) naming two selectors: this 400 naming them sorted,
  // `ResourceType` as ArgumentName and the first of them as ArgumentValue, before the credential
  // and the bucket (backlot, same commit, `_read_refusal`, `_selector_refusal`, `_conflict`, the
  // method table, measured 2026-09-23/29: "two selectors | 400 InvalidArgument, the conflict a GET
  // gets"; "`?versioning&acl` is \"Conflicting query string parameters: acl, versioning\"").
  ConflictingSubresources: {
    code: 'InvalidArgument',
    status: 400,
    message: (d) => `Conflicting query string parameters: ${d.value ?? ''}`,
    argumentName: 'ResourceType',
  },
  HeadPartNumberWithoutKey: { code: 'InvalidRequest', status: 400, message: 'Object must have a valid key name.' },
  // `?website` with a value, at a bucket's path and at a key's: this text, `website` as
  // ArgumentName and the value as ArgumentValue, before the credential and the bucket (backlot,
  // same commit, `_website_refusal`, measured 2026-09-29). Answered on a HEAD only
  // (`protocol/head-subresources.ts`), as its status alone.
  WebsiteWithValue: { code: 'InvalidArgument', status: 400, message: 'The website parameter must not have a value', argumentName: 'website' },
  // A key's `annotationName` without `annotation`: the 400 on a HEAD (status alone), before the
  // credential and the bucket (backlot, same commit, `_key_selected`, 90 HEADs measured
  // 2026-09-29). A GET's text is "Unexpected query string parameter"; its code is UNCONFIRMED.
  AnnotationNameWithoutAnnotation: { code: 'InvalidRequest', status: 400, message: 'Unexpected query string parameter' },
  // An OPTIONS (a CORS preflight), answered before the path or the credential is read, unsigned and
  // signed alike (brekkylab/backlot, measured against S3 us-east-1 2026-09-23/29/30,
  // `backlot/routers/s3.py` at commit 07bef4332838e4c4ee55118732a8ac1520f70d16, `_cors_preflight`
  // and the method table): without an `Origin` (or an empty one) this 400 at the service, a bucket
  // and a key; an `Access-Control-Request-Method` S3 does not take (`put`, `TRACE`, …) its 400; else
  // the 403 naming the method asked (`OPTIONS` when none) and `ResourceType` `BUCKET`
  // (`protocol/preflight.ts`).
  PreflightWithoutOrigin: { code: 'BadRequest', status: 400, message: 'Insufficient information. Origin request header needed.' },
  PreflightInvalidMethod: { code: 'BadRequest', status: 400, message: (d) => `Invalid Access-Control-Request-Method: ${d.value ?? ''}` },
  PreflightCorsDisabled: { code: 'AccessForbidden', status: 403, message: 'CORSResponse: CORS is not enabled for this bucket.' },
  PreflightNoBucket: { code: 'AccessForbidden', status: 403, message: 'CORSResponse: Bucket not found' },
  // A method S3 defines nothing for (TRACE, PROPFIND, LINK): this 400, no `Allow`, at the service, a
  // bucket and a key (brekkylab/backlot `backlot/errors/s3.py` at commit
  // 3d76ddfc61e0ecc060e25a29cd5b793146ea05ff, measured 2026-09-22/23: TRACE at all three).
  UnparseableMethod: { code: 'BadRequest', status: 400, message: 'An error occurred when parsing the HTTP request.' },
};
