/**
 * KMS's own CloudTrail events: when the clock completes a rotation or ends a deletion window, the
 * trail gets an `AwsServiceEvent` shaped like the developer guide's ct-rotatekey / ct-delete-key.
 */

import { describe, expect, it } from 'vitest';
import { Kms, ManualClock } from '../src/index.ts';

const DAY = 24 * 60 * 60 * 1000;

describe('service events', () => {
  it('records an automatic rotation as RotateKey, invoked by "AWS Internal", with the bare key id', async () => {
    const clock = new ManualClock();
    const kms = new Kms({ clock, quotas: false });
    const { KeyMetadata } = await kms.createKey({});
    await kms.enableKeyRotation({ KeyId: KeyMetadata.KeyId, RotationPeriodInDays: 90 });
    clock.advance(91 * DAY);
    await kms.describeKey({ KeyId: KeyMetadata.KeyId });
    const [record] = kms.auditTrail.lookup({ eventName: 'RotateKey' }).records;
    expect(record).toMatchObject({
      eventName: 'RotateKey',
      eventType: 'AwsServiceEvent',
      userIdentity: { accountId: '000000000000', invokedBy: 'AWS Internal' },
      sourceIPAddress: 'AWS Internal',
      requestParameters: null,
      responseElements: null,
      readOnly: false,
      serviceEventDetails: { keyId: KeyMetadata.KeyId },
      resources: [{ accountId: '000000000000', type: 'AWS::KMS::Key', ARN: KeyMetadata.Arn }],
    });
    expect(record).not.toHaveProperty('requestID');
  });

  it('records the end of a deletion window as DeleteKey, once', async () => {
    const clock = new ManualClock();
    const kms = new Kms({ clock, quotas: false });
    const { KeyMetadata } = await kms.createKey({});
    await kms.scheduleKeyDeletion({ KeyId: KeyMetadata.KeyId, PendingWindowInDays: 7 });
    expect(kms.auditTrail.lookup({ eventName: 'DeleteKey' }).records).toHaveLength(0);
    clock.advance(7 * DAY + 1);
    await kms.listKeys({});
    await kms.listKeys({});
    const deletions = kms.auditTrail.lookup({ eventName: 'DeleteKey' }).records;
    expect(deletions).toHaveLength(1);
    expect(deletions[0]).toMatchObject({ eventType: 'AwsServiceEvent', serviceEventDetails: { keyId: KeyMetadata.KeyId } });
  });

  it('logs nothing for calls that trigger no clock-driven change', async () => {
    const kms = new Kms({ quotas: false });
    const { KeyMetadata } = await kms.createKey({});
    await kms.describeKey({ KeyId: KeyMetadata.KeyId });
    expect(kms.auditTrail.records().filter((record) => record.eventType === 'AwsServiceEvent')).toHaveLength(0);
  });
});
