/**
 * @module
 * The default key policy KMS attaches to a key created without one: it gives the account full
 * access and so delegates to IAM (dev guide "Default key policy"). GetKeyPolicy returns it
 * pretty-printed in the style below (Jackson's default printer, as AWS sends it).
 */

import { accountRootArn } from '../model/identifiers.ts';

/**
 * The default key policy text for a key in `account`.
 * @example defaultKeyPolicy('us-east-1', '111122223333')
 */
export function defaultKeyPolicy(region: string, account: string): string {
  return `{
  "Version" : "2012-10-17",
  "Id" : "key-default-1",
  "Statement" : [ {
    "Sid" : "Enable IAM User Permissions",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "${accountRootArn(region, account)}"
    },
    "Action" : "kms:*",
    "Resource" : "*"
  } ]
}`;
}
