/**
 * @module
 * Bucket policies and the refusals they decide.
 * These are rows of `S3_ERRORS` (`../errors.ts`, which joins the topics); the source of each stands
 * beside it, UNCONFIRMED where no capture of real S3 exists.
 */

import type { S3WireError } from './wire.ts';

/** Bucket policies and authorization. */
export type PolicyErrorReason =
  | 'AccessDeniedByPolicy'
  | 'NoSuchBucketPolicy'
  | 'MalformedPolicyJson'
  | 'MalformedPolicyMissingField'
  | 'MalformedPolicyEmptyStatement'
  | 'MalformedPolicyUnknownField'
  | 'MalformedPolicyInvalidEffect'
  | 'MalformedPolicyInvalidVersion'
  | 'MalformedPolicyInvalidPrincipal'
  | 'MalformedPolicyInvalidAction'
  | 'MalformedPolicyInvalidResource'
  | 'MalformedPolicyActionResourceMismatch'
  | 'MalformedPolicyInvalidConditionKey'
  | 'MalformedPolicySyntax'
  | 'PolicyTooLarge'
  | 'MethodNotAllowed';

/** How S3 answers each `PolicyErrorReason`. */
export const POLICY_ERRORS: Readonly<Record<PolicyErrorReason, S3WireError>> = {
  // Same-account refusals name the caller, action, resource and the policy type that refused
  // (UG troubleshoot-403-errors, "Access denied message examples", enhanced messages since August
  // 2024; the quoting of the resource as the SSE-C variant, `SseCBlockedByBucket` in sse.ts).
  // Another account's callers get the plain `Access Denied`.
  AccessDeniedByPolicy: {
    code: 'AccessDenied',
    status: 403,
    message: (d) =>
      `User: ${d.principalArn ?? 'anonymous'} is not authorized to perform: ${d.action ?? ''} on resource: "${d.resource ?? ''}" ${d.because ?? ''}`,
  },
  NoSuchBucketPolicy: { code: 'NoSuchBucketPolicy', status: 404, message: 'The bucket policy does not exist' },
  MalformedPolicyJson: { code: 'MalformedPolicy', status: 400, message: "Policies must be valid JSON and the first byte must be '{'" },
  // `Missing required field Statement` is recorded (LS-snapshot); the same text for the other
  // required elements (Effect, Principal, Action, Resource) is UNCONFIRMED (Seagate CORTX's and
  // versitygw's S3 clones answer it).
  MalformedPolicyMissingField: { code: 'MalformedPolicy', status: 400, message: (d) => `Missing required field ${d.value ?? 'Statement'}` },
  // UNCONFIRMED: versitygw's text for `"Statement": []`.
  MalformedPolicyEmptyStatement: { code: 'MalformedPolicy', status: 400, message: 'Could not parse the policy: Statement is empty!' },
  // UNCONFIRMED texts: no capture of real S3 for an unknown element, an unknown Effect, a
  // Version other than the two IAM knows, or a condition key S3 does not know.
  MalformedPolicyUnknownField: { code: 'MalformedPolicy', status: 400, message: (d) => `Unknown field ${d.value ?? ''}` },
  MalformedPolicyInvalidEffect: { code: 'MalformedPolicy', status: 400, message: (d) => `Invalid effect: ${d.value ?? ''}` },
  MalformedPolicyInvalidVersion: { code: 'MalformedPolicy', status: 400, message: 'The policy must contain a valid version string' },
  // Many real captures ("Error Code: MalformedPolicy", CloudFormation and the CLI).
  MalformedPolicyInvalidPrincipal: { code: 'MalformedPolicy', status: 400, message: 'Invalid principal in policy' },
  MalformedPolicyInvalidAction: { code: 'MalformedPolicy', status: 400, message: 'Policy has invalid action' },
  MalformedPolicyInvalidResource: { code: 'MalformedPolicy', status: 400, message: 'Policy has invalid resource' },
  MalformedPolicyActionResourceMismatch: { code: 'MalformedPolicy', status: 400, message: 'Action does not apply to any resource(s) in statement' },
  MalformedPolicyInvalidConditionKey: { code: 'MalformedPolicy', status: 400, message: 'Policy has an invalid condition key' },
  // UNCONFIRMED: what S3 answers for other grammar errors (an unknown condition operator, a
  // statement that is not an object, a Principal of the wrong type).
  MalformedPolicySyntax: { code: 'MalformedPolicy', status: 400, message: 'Invalid policy syntax.' },
  // Bucket policies are limited to 20 KB (UG add-bucket-policy); the code and text are
  // UNCONFIRMED (MinIO's, whose limit follows S3's).
  PolicyTooLarge: { code: 'MalformedPolicy', status: 400, message: 'Policy exceeds the maximum allowed document size.' },
  // PutBucketPolicy / GetBucketPolicy / DeleteBucketPolicy API reference: a caller with the
  // permission whose identity is not of the bucket owner's account gets 405. The text is S3's
  // MethodNotAllowed text (ErrorResponses.html); the `Method` and `ResourceType` elements are
  // UNCONFIRMED for these operations.
  MethodNotAllowed: { code: 'MethodNotAllowed', status: 405, message: 'The specified method is not allowed against this resource.' },
};
