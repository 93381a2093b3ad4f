/**
 * @module
 * ARN pieces every service needs: the partition of a Region and the account principal's ARN
 * ("Amazon Resource Names", AWS General Reference).
 */

/**
 * The partition of a Region: `aws-cn` for China, `aws-us-gov` for GovCloud, `aws` otherwise.
 * @example partitionOf('cn-north-1') // 'aws-cn'
 */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/**
 * `arn:<partition>:iam::<account>:root`, the account principal.
 * @example accountRootArn('us-east-1', '111122223333') // 'arn:aws:iam::111122223333:root'
 */
export function accountRootArn(region: string, account: string): string {
  return `arn:${partitionOf(region)}:iam::${account}:root`;
}

const ACCOUNT_ID = /^\d{12}$/;
const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/**
 * Checks the account id and Region a service is constructed with (the 12 digits of an AWS account
 * id; a Region name such as `us-east-1`).
 * @throws RangeError naming the option that is malformed.
 * @example checkAccountAndRegion('111122223333', 'eu-west-1') // passes
 */
export function checkAccountAndRegion(account: string, region: string): void {
  if (!ACCOUNT_ID.test(account)) throw new RangeError(`"account" expected 12 digits, got ${JSON.stringify(account)}`);
  if (!REGION_NAME.test(region)) throw new RangeError(`"region" expected a Region name such as us-east-1, got ${JSON.stringify(region)}`);
}
