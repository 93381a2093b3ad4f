/**
 * @module
 * RestoreObject (`POST /{Bucket}/{Key+}?restore`): makes a temporary readable copy of a GLACIER or
 * DEEP_ARCHIVE object for `Days` days (RestoreObject API reference). Answers "202 Accepted" for a
 * new restore and "200 OK" for an object already restored, whose expiry is then moved "relative to
 * the current time". While one runs, a request with a faster tier and the same `Days` upgrades it
 * (User Guide, "Upgrading the speed of an in-progress restore"; `upgradedRestore`), answered 202
 * as a restore not yet done; any other is 409 RestoreAlreadyInProgress ("You cannot update the
 * restoration period when Amazon S3 is actively processing your current restore request"), but
 * for a tier the class has not, refused first as for a new restore (400); 403
 * InvalidObjectState for a class that is not archived, and for INTELLIGENT_TIERING 400
 * InvalidArgument with `Days` or 403 ObjectAlreadyInActiveTierError without (`restorableDays`).
 * Authorized by
 * `s3:RestoreObject` (one action, with or without a version id; here only `versionId=null`).
 *
 * The restore completes after its tier's time (`model/restore.ts`: fixed values, the upper end of
 * each documented range) on the engine's clock, which a test suite moves instead of waiting; the
 * copy expires `Days` after completion, rounded up to midnight UTC, and the object is archived
 * again. The restore is one field of the object's record, written under the key's lock like its
 * tags (durable before the answer on a data directory) and dated by the clock read under that lock;
 * Last-Modified stays as it was.
 *
 * Refused: the SELECT restore type ("Amazon S3 Select is no longer available to new customers",
 * S3 API model, RestoreRequest `Type` and `SelectParameters`), answered 501 NotImplemented as
 * Strongbox answers what it does not build (S3's answer to a new customer is UNCONFIRMED), and a
 * `Tier` outside `GlacierJobParameters` without it (400 MalformedXML, as S3 answered
 * aws/aws-sdk-net#3069). Known differences: no Intelligent-Tiering archive tiers, no event
 * notifications (S3's `s3:ObjectRestore:Post` and `:Completed`), no request charges
 * (`x-amz-request-payer` is accepted and ignored, as by every operation here). A restore kept by a
 * data directory before tiers were recorded cannot be upgraded (409).
 *
 * A data event (CloudTrail logs RestoreObject with S3 data events): recorded in the trail only
 * when the engine's `dataEvents` are on, an upgrade and a refusal alike, as any other call.
 */

import { S3Error } from '../errors.ts';
import {
  checkedRestoreExpiry,
  checkRestoreDays,
  extendedRestore,
  RESTORE_TIERS,
  type RestoreTier,
  restorableDays,
  restoreDuration,
  restoreJson,
  restoreStateAt,
  upgradedRestore,
} from '../model/restore.ts';
import { checkVersionId } from '../model/version-id.ts';
import { query, struct, xmlPayload } from '../protocol/binding.ts';
import type { StoredFields } from '../storage/types.ts';
import { ownedBucket } from './shared/buckets.ts';
import { OBJECT_FIELDS, objectRecord, requireKey } from './shared/objects.ts';
import type { OperationDefinition } from './types.ts';

/** The `RestoreRequest` document, as the SDK names its members. */
export interface RestoreRequestMembers {
  Days?: number;
  GlacierJobParameters?: { Tier?: string };
  /** Only `SELECT` (refused). */
  Type?: string;
  /** The SELECT request's tier (refused without SELECT). */
  Tier?: string;
  Description?: string;
  /** SELECT only: present or not. */
  SelectParameters?: Record<string, unknown>;
  /** SELECT only: present or not. */
  OutputLocation?: Record<string, unknown>;
}

/** RestoreObject request. */
export interface RestoreObjectRequest {
  Bucket: string;
  Key: string;
  VersionId?: string;
  RestoreRequest?: RestoreRequestMembers;
  RequestPayer?: string;
}

/** RestoreObject response: no members on the wire; `Accepted` picks 202 (a restore not yet done) over 200. */
export interface RestoreObjectResponse {
  /**
   * True for a new restore and for a tier upgrade of one in progress (202 Accepted), false when an
   * existing copy's expiry moved (200 OK).
   */
  Accepted: boolean;
}

const RESTORE_REQUEST_SHAPE = struct({
  Days: 'integer',
  GlacierJobParameters: struct({ Tier: 'string' }),
  Type: 'string',
  Tier: 'string',
  Description: 'string',
  SelectParameters: struct({}),
  OutputLocation: struct({}),
});

/** RestoreObject. */
export const restoreObject: OperationDefinition<'RestoreObject', RestoreObjectRequest, RestoreObjectResponse> = {
  name: 'RestoreObject',
  quota: { shared: 'write' },
  readOnly: false,
  eventCategory: 'Data',
  rest: {
    method: 'POST',
    path: 'object',
    query: ['restore'],
    status: (output) => (output['Accepted'] === true ? 202 : 200),
    request: {
      members: {
        VersionId: query('versionId'),
        RestoreRequest: xmlPayload('RestoreRequest', RESTORE_REQUEST_SHAPE),
      },
    },
  },
  // "you must have permissions to perform the s3:RestoreObject action" (API reference); the Service
  // Authorization Reference has no separate version action for it.
  access: { action: 's3:RestoreObject', resource: 'object' },

  async handler(input, context) {
    const bucket = await ownedBucket(input.Bucket, context);
    const key = requireKey(input.Key);
    checkVersionId(input.VersionId);
    const { days: requestedDays, tier } = restoreParameters(input.RestoreRequest);
    let accepted = false;
    try {
      await context.store.updateObjectMetadata(
        bucket,
        key,
        (object) => {
          // Under the key's lock: the state is read from the record the restore is written to, at
          // the time read here, so requests on one key are judged in the order they hold it (the
          // request's `now`, read before the lock, could be older than a restore already written).
          // No tag decision to confirm: `s3:RestoreObject` has no `s3:ExistingObjectTag` key
          // (Service Authorization Reference; `policy/object-tags.ts`).
          const now = context.clock.now();
          const record = objectRecord(object);
          const days = restorableDays(record.storageClass, requestedDays);
          const state = restoreStateAt(record.restore, now);
          // In progress: only a faster tier with the same Days is taken, as a new restore is (202,
          // "If the object is not previously restored, then Amazon S3 returns 202 Accepted", API
          // reference; UNCONFIRMED against a capture of an upgrade); a tier the class has not is
          // 400 as for a new restore, whatever the Days; anything else is 409.
          if (state.kind === 'ongoing' && record.restore !== undefined) {
            const upgraded = upgradedRestore(record.restore, record.storageClass, tier, days, now);
            accepted = true;
            return withRestore(object.metadata, restoreJson(upgraded));
          }
          // Already restored: "Amazon S3 updates the expiration period relative to the current time"
          // (User Guide, "Working with archived objects"); the copy stays readable meanwhile. The
          // tier is not checked: nothing is retrieved (S3's answer to a tier the class has not,
          // such as Expedited on DEEP_ARCHIVE, is UNCONFIRMED for an extension).
          if (state.kind === 'restored' && record.restore !== undefined)
            return withRestore(object.metadata, restoreJson(extendedRestore(record.restore, days, now)));
          accepted = true;
          // The copy's days count from when it exists ("the current time" of the User Guide's rule
          // is the copy's making): counted from the request, a 1-day DEEP_ARCHIVE Bulk restore
          // (48 hours) would expire before it completed. UNCONFIRMED against a capture.
          const ready = now + restoreDuration(record.storageClass, tier);
          return withRestore(object.metadata, restoreJson({ requested: now, ready, expiry: checkedRestoreExpiry(ready, days), tier, days }));
        },
        { keepLastModified: true },
      );
    } catch (error) {
      // The store's NoSuchKey, under the key's lock, is the one answer for a missing object.
      if (error instanceof S3Error && error.reason === 'NoSuchKey') throw context.missingObject(key);
      throw error;
    }
    return { Accepted: accepted };
  },
};

/**
 * The restore a request asks for: its days (if any: whether they are required depends on the
 * object's class) and tier (Standard when none: "This is the default option for retrieval
 * requests that do not specify the retrieval option", User Guide).
 * @throws S3Error MalformedXML (no document, a tier outside the enum, a top-level Tier without
 *   SELECT), NotImplemented (SELECT), InvalidRestoreDays.
 */
function restoreParameters(request: RestoreRequestMembers | undefined): { days: number | undefined; tier: RestoreTier } {
  if (request === undefined) throw new S3Error('MalformedXML');
  if (request.Type !== undefined || request.SelectParameters !== undefined || request.OutputLocation !== undefined) {
    // `SELECT` is the enum's only value: anything else does not validate against the schema.
    if (request.Type !== undefined && request.Type !== 'SELECT') throw new S3Error('MalformedXML');
    throw new S3Error('NotImplemented', { detail: { value: 'RestoreObject of the SELECT type (Amazon S3 Select is no longer available to new customers)' } });
  }
  if (request.Tier !== undefined) throw new S3Error('MalformedXML');
  // `Tier` is required in `GlacierJobParameters` (S3 API model); the element itself is optional.
  const parameters = request.GlacierJobParameters;
  if (parameters !== undefined && parameters.Tier === undefined) throw new S3Error('MalformedXML');
  const tier = parameters?.Tier ?? 'Standard';
  if (!RESTORE_TIERS.includes(tier)) throw new S3Error('MalformedXML');
  return { days: checkRestoreDays(request.Days), tier: tier as RestoreTier };
}

/** `fields` with their restore field set to `json`. */
function withRestore(fields: StoredFields, json: string): StoredFields {
  const next: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, fields);
  next[OBJECT_FIELDS.restore] = json;
  return next;
}
