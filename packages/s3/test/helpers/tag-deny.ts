/**
 * Deny statements of a bucket policy on the objects of bucket `data`, for the suites of the
 * object-tag condition keys (`s3:ExistingObjectTag/<key>`, Service Authorization Reference).
 */

/** The objects of bucket `data`, as a policy's `Resource`. */
export const DATA_OBJECTS = 'arn:aws:s3:::data/*';

/** A Deny statement of a bucket policy. */
export interface DenyStatement {
  readonly Effect: 'Deny';
  readonly Principal: '*';
  readonly Action: string | readonly string[];
  readonly Resource: string;
  readonly Condition: object;
}

/**
 * A Deny of `actions` to everyone on `resource` under `condition`.
 * @example denyWhen('s3:GetObject', { StringEquals: { 's3:ExistingObjectTag/team': 'blue' } })
 */
export function denyWhen(actions: string | readonly string[], condition: object, resource: string = DATA_OBJECTS): DenyStatement {
  return { Effect: 'Deny', Principal: '*', Action: actions, Resource: resource, Condition: condition };
}

/**
 * A Deny of `actions` on the objects tagged `classification=<value>`.
 * @example denyTagged('s3:GetObject', 'secret')
 */
export function denyTagged(actions: string | readonly string[], value: string): DenyStatement {
  return denyWhen(actions, { StringEquals: { 's3:ExistingObjectTag/classification': value } });
}
