/**
 * @module
 * UpdatePrimaryRegion: makes the replica of a multi-Region key in `PrimaryRegion` its primary and
 * the current primary a replica. Called in the current primary's Region with its key id or ARN;
 * "Both the primary key and the replica key must be in the Enabled key state when the operation
 * starts" (dev guide "Change the primary key"). AWS completes the change asynchronously (both keys
 * are `Updating` for a few seconds); Strongbox completes it at once. No output. Cross-account use: no.
 *
 * CloudTrail: "The UpdatePrimaryRegion operation writes two CloudTrail log entries: one in the
 * Region with the multi-Region primary key that is converted to a replica key, and one in the
 * Region with a multi-Region replica key that is converted to a primary key" (dev guide
 * ct-update-primary-region; both examples in awsdocs/aws-kms-developer-guide
 * doc_source/ct-update-primary-region.md). Since December 2022 each carries its Region's key ARN in
 * `responseElements.keyId`. The first is the caller's request as made, with its key in `resources`.
 * The second, which "doesn't identify the previous primary Region", shares the request id, names
 * the new primary's own ARN in `requestParameters.keyId`, is `invokedBy: "kms.amazonaws.com"`, and
 * has no `resources` element.
 */

import { KmsError, keyNotFound } from '../errors.ts';
import { keyArn } from '../model/identifiers.ts';
import { isPrimaryKey, withPrimaryRegion } from '../model/multi-region.ts';
import { string, structure } from '../protocol/shapes.ts';
import { keyIdResponse } from './shared/audit.ts';
import { requireKeyState } from './shared/key-state.ts';
import { updateKey } from './shared/key-update.ts';
import { KEY_ID } from './shared/members.ts';
import type { OperationDefinition } from './types.ts';

/** UpdatePrimaryRegion request. */
export interface UpdatePrimaryRegionRequest {
  KeyId: string;
  PrimaryRegion: string;
}

/** UpdatePrimaryRegion. */
export const updatePrimaryRegion: OperationDefinition<'UpdatePrimaryRegion', UpdatePrimaryRegionRequest, void> = {
  name: 'UpdatePrimaryRegion',
  // The request in the current primary's Region; the one it also counts as in the new primary's
  // Region is counted by the handler (below).
  quota: { perSecond: 5 },
  readOnly: false,
  keyState: 'usable',
  input: structure({ KeyId: KEY_ID, PrimaryRegion: string({ min: 1, max: 32, pattern: '^([a-z]+-){2,3}\\d+$' }) }, ['KeyId', 'PrimaryRegion']),

  handler: (input, context) =>
    updateKey(context, input.KeyId, (key) => {
      context.touch(key);
      const region = input.PrimaryRegion;
      // Required permissions: kms:UpdatePrimaryRegion on the current primary key and on the replica,
      // each in its key policy (`kms:PrimaryRegion` names the new primary's Region).
      const conditions = { 'kms:PrimaryRegion': region };
      context.authorize('kms:UpdatePrimaryRegion', key, { conditions });
      // The texts of the refusals below are UNCONFIRMED (AWS has not been recorded answering them).
      if (key.multiRegion === undefined) throw new KmsError('UnsupportedOperationException', `${key.arn} is not a multi-Region key.`);
      if (!isPrimaryKey(key)) {
        throw new KmsError(
          'UnsupportedOperationException',
          `${key.arn} is not a multi-Region primary key: its primary key is in ${key.multiRegion.primaryRegion}.`,
        );
      }
      if (region === key.region) throw new KmsError('UnsupportedOperationException', `${key.arn} is already the primary key in ${region}.`);
      const replica = key.multiRegion.replicaRegions.includes(region) ? context.state.key(key.keyId, region) : undefined;
      // "The primary Region must already have a replica key. This operation does not create a KMS key."
      if (replica === undefined) throw keyNotFound(keyArn(region, key.account, key.keyId));
      // "An UpdatePrimaryRegion operation counts as two UpdatePrimaryRegion requests; one request in
      // each of the two affected Regions." ("Request quotas", UpdatePrimaryRegion request rate,
      // https://docs.aws.amazon.com/kms/latest/developerguide/requests-per-second.html) The second
      // counts for the calling account in the new primary's Region once the replica is found there
      // (a Region without one is not affected, and gets no counter of its own) and before the
      // replica Region's checks, as ReplicateKey's CreateKey requests are; that order is UNCONFIRMED.
      // The first stays counted when this one is throttled, as two separate requests would be.
      context.throttle('UpdatePrimaryRegion', region);
      context.touch(replica);
      context.authorizeIn(region, 'kms:UpdatePrimaryRegion', replica, { conditions });
      context.requireKeyState(key);
      requireKeyState(replica, 'usable');
      const [oldPrimary, newPrimary] = withPrimaryRegion(key, replica);
      context.recordRelated({
        eventName: 'UpdatePrimaryRegion',
        region,
        readOnly: false,
        requestParameters: { keyId: replica.arn, primaryRegion: region },
        responseElements: { keyId: replica.arn },
        recipientAccountId: replica.account,
        invokedBy: 'kms.amazonaws.com',
      });
      return {
        changes: [
          { type: 'putKey', key: oldPrimary },
          { type: 'putKey', key: newPrimary },
        ],
        output: undefined,
      };
    }),

  // The caller's Region's entry names only the key there; the new primary's Region has its own.
  auditResponse: keyIdResponse,
  auditResources: (_input, touched, scope) => touched.filter((arn) => arn.includes(`:kms:${scope.region}:`)),
};
