/**
 * @module
 * The shape of one audit event as services record it and the trail hands it back, before it is
 * rendered as a CloudTrail record (`cloudtrail.ts`). AWS: "CloudTrail record contents",
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
 */

import type { Principal } from '../principal.ts';

/** One recorded call or service event (rendered to CloudTrail JSON on demand). */
export interface AuditEvent {
  /** Random UUID, CloudTrail's `eventID`. */
  readonly eventId: string;
  /** Epoch milliseconds. */
  readonly eventTime: number;
  /** The operation (or the service's own event, such as KMS's RotateKey). */
  readonly eventName: string;
  /** CloudTrail's `eventSource`, the service's endpoint name: `kms.amazonaws.com`. */
  readonly eventSource: string;
  /** The CloudTrail type of every resource the event lists (`AWS::KMS::Key`, `AWS::S3::Bucket`). */
  readonly resourceType: string;
  /**
   * `Data` for a data event (S3's object-level calls: CloudTrail writes `"managementEvent": false,
   * "eventCategory": "Data"`); absent for a management event, as every KMS call is.
   */
  readonly eventCategory?: 'Data';
  /** Set for a service's own events (clock-driven); absent for API calls. */
  readonly eventType?: 'AwsServiceEvent';
  /** `serviceEventDetails` of a service event (`{ keyId }` with the bare key id). */
  readonly serviceEventDetails?: Record<string, unknown>;
  readonly region: string;
  readonly caller: Principal;
  readonly sourceIpAddress: string;
  readonly userAgent: string;
  readonly requestId: string;
  /** CloudTrail `requestParameters` (never plaintext or ciphertext). */
  readonly requestParameters: Record<string, unknown> | null;
  readonly responseElements: Record<string, unknown> | null;
  /** CloudTrail `additionalEventData` (e.g. `keyMaterialId`, RetireGrant's `grantId`), if any. */
  readonly additionalEventData?: Record<string, unknown>;
  /**
   * ARNs of the resources the call touched (KMS: keys and aliases; S3: the object, then its
   * bucket; a listing's ARN prefix, marked by `arnPrefixResource`), typed when rendered
   * (`resources.ts`). Absent: the record has no `resources` element at all, as KMS's
   * UpdatePrimaryRegion entry in the new primary's Region (ct-update-primary-region).
   */
  readonly resources?: readonly string[];
  /**
   * The accounts that own the listed resources whose ARNs name none (S3 buckets), in the order
   * those resources are listed: CloudTrail gives an S3 bucket its owner's `accountId`, which need
   * not be the caller's (a bucket policy lets other accounts call). Absent, or short: those
   * resources take `recipientAccountId` (events recorded before the field existed).
   */
  readonly resourceAccountIds?: readonly string[];
  readonly readOnly: boolean;
  /** Account that owns the resource (the key's account), CloudTrail's `recipientAccountId`. */
  readonly recipientAccountId: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  /** CloudTrail's `tlsDetails` of a call that came over TLS; absent over plain HTTP and in process. */
  readonly tlsDetails?: TlsDetails;
}

/**
 * CloudTrail's `tlsDetails` (CloudTrail User Guide, "CloudTrail record contents": since 1.08; "CloudTrail
 * still logs partial TLS details if expected information is missing or empty"): each member only
 * when known.
 */
export interface TlsDetails {
  /** `TLSv1.2`, `TLSv1.3`. */
  readonly tlsVersion?: string;
  /** OpenSSL's name: `ECDHE-RSA-AES128-GCM-SHA256`, `TLS_AES_128_GCM_SHA256`. */
  readonly cipherSuite?: string;
  /** The `Host` header as the client sent it. */
  readonly clientProvidedHostHeader?: string;
}

/** What `AuditTrail.record` takes: an event without its ids (the trail assigns them). */
export type AuditEventInput = Omit<AuditEvent, 'eventId' | 'requestId'> & {
  /** The request id to log; absent: the trail makes a random one (in-process calls). */
  readonly requestId?: string;
};
