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
