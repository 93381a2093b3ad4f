/**
 * @module
 * AWS managed keys: the `alias/aws/<service>` keys AWS services create in a customer's account the
 * first time they need one (S3's `alias/aws/s3` for SSE-KMS without a key id, for example). KMS
 * creates the key lazily, when the alias is first used.
 */

import { defaultKeyPolicy } from '../policy/default-policy.ts';
import type { Random } from './environment.ts';
import { createKeyRecord, newKeyId, newMaterial } from './keys.ts';
import type { Change } from './state.ts';

/** The predefined `alias/aws/*` names that get a managed key on first use. */
const AWS_MANAGED_ALIASES: ReadonlySet<string> = new Set([
  'alias/aws/acm',
  'alias/aws/dynamodb',
  'alias/aws/ebs',
  'alias/aws/elasticfilesystem',
  'alias/aws/es',
  'alias/aws/glue',
  'alias/aws/kinesisvideo',
  'alias/aws/lambda',
  'alias/aws/rds',
  'alias/aws/redshift',
  'alias/aws/s3',
  'alias/aws/secretsmanager',
  'alias/aws/ssm',
  'alias/aws/xray',
]);

/** Whether `aliasName` is a predefined AWS managed alias. */
export function isAwsManagedAliasName(aliasName: string): boolean {
  return AWS_MANAGED_ALIASES.has(aliasName);
}

/** The changes that create the AWS managed key for `aliasName` and point the alias at it. */
export function createAwsManagedKey(random: Random, now: number, account: string, region: string, aliasName: string): Change[] {
  const service = aliasName.slice('alias/aws/'.length);
  const key = createKeyRecord({
    keyId: newKeyId(random),
    account,
    region,
    now,
    description: `Default key that protects my ${service.toUpperCase()} resources when no other key is defined`,
    policy: defaultKeyPolicy(region, account),
    origin: 'AWS_KMS',
    keyManager: 'AWS',
    tags: [],
    materials: [newMaterial(random, 1, now)],
  });
  return [
    { type: 'putKey', key },
    { type: 'putAlias', alias: { account, region, aliasName, targetKeyId: key.keyId, creationDate: now, lastUpdatedDate: now } },
  ];
}
