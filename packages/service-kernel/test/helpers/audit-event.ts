/**
 * The event the trail suites record: a read by the account root of 000000000000 on an S3 bucket,
 * from loopback, with no parameters, response or resources, each suite changing only what its
 * cases are about.
 */

import { type AuditEventInput, principalFromArn } from '../../src/index.ts';

/** The caller of `auditEventInput` unless told otherwise: the same principal for every event. */
export const ROOT_CALLER: AuditEventInput['caller'] = principalFromArn('arn:aws:iam::000000000000:root');

/**
 * A recordable event with `overrides` applied.
 * @example trail.record(auditEventInput({ eventName: 'GenerateMac', eventSource: 'kms.amazonaws.com' }))
 */
export function auditEventInput(overrides: Partial<AuditEventInput> = {}): AuditEventInput {
  return {
    eventTime: Date.UTC(2026, 0, 1),
    eventName: 'GetObject',
    eventSource: 's3.amazonaws.com',
    resourceType: 'AWS::S3::Bucket',
    region: 'us-east-1',
    caller: ROOT_CALLER,
    sourceIpAddress: '127.0.0.1',
    userAgent: 'test',
    requestParameters: null,
    responseElements: null,
    resources: [],
    readOnly: true,
    recipientAccountId: '000000000000',
    ...overrides,
  };
}
