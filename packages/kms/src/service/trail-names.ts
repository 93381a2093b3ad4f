/**
 * @module
 * How KMS names itself and its resources in CloudTrail records: the event source of every record,
 * and the resource type of the keys and aliases a record lists.
 */

/** The `eventSource` of every KMS record. */
export const EVENT_SOURCE = 'kms.amazonaws.com';

/** KMS lists keys and aliases alike as `AWS::KMS::Key` resources (ct-createalias). */
export const RESOURCE_TYPE = 'AWS::KMS::Key';
