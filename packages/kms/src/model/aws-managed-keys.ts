/**
 * @module
 * AWS managed keys: the `alias/aws/<service>` keys AWS creates in a customer's account the first
 * time the alias is used (S3's `alias/aws/s3` for SSE-KMS without a key id, for example). The
 * predefined aliases exist before their key does: ListAliases shows them without `TargetKeyId`
 * (ListAliases API doc), and KMS creates and associates the key lazily on first use.
 *
 * The key is what AWS creates: `KeyManager: AWS`, AWS's description ("Default key that protects my
 * S3 objects when no other key is defined"), rotation on with the yearly schedule ("All AWS managed
 * keys are automatically rotated every year", dev guide concepts.md, since May 2022), and the
 * service's key policy, which allows cryptographic use only through the service (`kms:ViaService`
 * and `kms:CallerAccount`) and direct access to metadata only (`Describe*`, `Get*`, `List*`).
 * Sources of each description and policy are cited in `CATALOGUE`.
 */

import type { Random } from '@strongbox/service-kernel';
import { type JsonValue, prettyJson } from '@strongbox/service-kernel';
import { accountRootArn, partitionOf } from './identifiers.ts';
import { createKeyRecord, newKeyId, newMaterial } from './keys.ts';
import type { KeyRecord } from './records.ts';
import { AWS_MANAGED_ROTATION_PERIOD_DAYS } from './rotation.ts';
import type { Change } from './state.ts';

/** Reserved alias prefix (CreateAlias AliasName doc: "The alias/aws/ prefix is reserved for AWS managed keys."). */
export const AWS_ALIAS_PREFIX = 'alias/aws/';

/** What differs between the AWS managed keys of two services. */
interface ManagedKeySpec {
  /** What the description says the key protects. */
  readonly protects: string;
  /** The policy document `Id`. */
  readonly policyId: string;
  /** The first statement's `Sid`. */
  readonly sid: string;
  /** Host prefix of `kms:ViaService` (`ec2` for EBS). */
  readonly via: string;
  /** Actions allowed through the service. */
  readonly actions: readonly string[];
  /** Whether the account may also `kms:RevokeGrant` (services that use grants). */
  readonly revokeGrant: boolean;
  /** `kms:ViaService` as a `StringLike` on every Region (`dynamodb.*.amazonaws.com`) instead of this Region. */
  readonly anyRegion?: boolean;
  /** Secrets Manager: GenerateDataKey* in a separate statement valid through the service in any Region. */
  readonly splitGenerateDataKey?: boolean;
  /** A statement letting the service principal read the key directly: [Sid, principal]. */
  readonly serviceRead?: readonly [string, string];
}

const BASIC = ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'];
const WITH_GRANTS = ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:CreateGrant', 'kms:DescribeKey'];
const through = (name: string): string => `Allow access through ${name} for all principals in the account that are authorized to use ${name}`;

/**
 * The predefined aliases (the fourteen a fresh account lists: moto's list, which matches a 2019
 * ListAliases capture in a public test fixture) and their keys. Confirmed descriptions and policies
 * come from GetKeyPolicy/DescribeKey output imported into Terraform (2023–2025 captures: s3, ebs, ssm,
 * es, lambda, rds, secretsmanager, dynamodb, efs) and the AWS docs (dynamodb, efs). Unconfirmed:
 * the glue, kinesisvideo and xray descriptions (captured with the pre-2022 "Default master key"
 * wording), the redshift description, and the acm, glue, kinesisvideo, redshift and xray policies,
 * which follow the common shape of the confirmed ones.
 */
const CATALOGUE: Readonly<Record<string, ManagedKeySpec>> = Object.freeze({
  acm: { protects: 'ACM private keys', policyId: 'auto-acm-1', sid: through('ACM'), via: 'acm', actions: BASIC, revokeGrant: false },
  dynamodb: {
    protects: 'DynamoDB data',
    policyId: 'auto-dynamodb-3',
    sid: through('Amazon DynamoDB'),
    via: 'dynamodb',
    actions: WITH_GRANTS,
    revokeGrant: true,
    anyRegion: true,
    serviceRead: ['Allow DynamoDB to directly describe the key', 'dynamodb.amazonaws.com'],
  },
  ebs: { protects: 'EBS volumes', policyId: 'auto-ebs-2', sid: through('EBS'), via: 'ec2', actions: WITH_GRANTS, revokeGrant: true },
  elasticfilesystem: {
    protects: 'EFS filesystems',
    policyId: 'auto-elasticfilesystem-1',
    sid: 'Allow access to EFS for all principals in the account that are authorized to use EFS',
    via: 'elasticfilesystem',
    actions: WITH_GRANTS,
    revokeGrant: true,
  },
  es: {
    protects: 'Amazon OpenSearch Service (successor to Amazon Elasticsearch Service) data',
    policyId: 'auto-es-2',
    sid: through('OpenSearch Service'),
    via: 'es',
    actions: WITH_GRANTS,
    revokeGrant: true,
    serviceRead: ['Allow OpenSearch service principals to describe the key directly', 'es.amazonaws.com'],
  },
  glue: { protects: 'Glue data', policyId: 'auto-glue-1', sid: through('Glue'), via: 'glue', actions: BASIC, revokeGrant: false },
  kinesisvideo: {
    protects: 'kinesis video data',
    policyId: 'auto-kinesisvideo-1',
    sid: through('Kinesis Video Streams'),
    via: 'kinesisvideo',
    actions: BASIC,
    revokeGrant: false,
  },
  lambda: { protects: 'Lambda functions', policyId: 'auto-awslambda', sid: through('AWS Lambda'), via: 'lambda', actions: WITH_GRANTS, revokeGrant: true },
  rds: {
    protects: 'RDS database volumes',
    policyId: 'auto-rds-2',
    sid: through('RDS'),
    via: 'rds',
    actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:CreateGrant', 'kms:ListGrants', 'kms:DescribeKey'],
    revokeGrant: true,
  },
  redshift: { protects: 'Redshift data', policyId: 'auto-redshift-1', sid: through('Redshift'), via: 'redshift', actions: BASIC, revokeGrant: false },
  s3: { protects: 'S3 objects', policyId: 'auto-s3-2', sid: through('S3'), via: 's3', actions: BASIC, revokeGrant: false },
  secretsmanager: {
    protects: 'Secrets Manager data',
    policyId: 'auto-secretsmanager-2',
    sid: through('AWS Secrets Manager'),
    via: 'secretsmanager',
    actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:CreateGrant', 'kms:DescribeKey'],
    revokeGrant: true,
    splitGenerateDataKey: true,
  },
  ssm: { protects: 'SSM parameters', policyId: 'auto-ssm-1', sid: through('SSM'), via: 'ssm', actions: BASIC, revokeGrant: false },
  xray: { protects: 'X-Ray data', policyId: 'auto-xray-1', sid: through('X-Ray'), via: 'xray', actions: BASIC, revokeGrant: false },
});

/** The predefined `alias/aws/*` names, sorted. */
export const PREDEFINED_AWS_ALIASES: readonly string[] = Object.freeze(
  Object.keys(CATALOGUE)
    .map((service) => AWS_ALIAS_PREFIX + service)
    .sort(),
);

/** Whether `aliasName` is a predefined AWS managed alias (its key is created on first use). */
export function isAwsManagedAliasName(aliasName: string): boolean {
  return aliasName.startsWith(AWS_ALIAS_PREFIX) && Object.hasOwn(CATALOGUE, aliasName.slice(AWS_ALIAS_PREFIX.length));
}

/** Whether `aliasName` is in the `alias/aws/` namespace reserved for AWS managed keys. */
export function isReservedAliasName(aliasName: string): boolean {
  return aliasName.startsWith(AWS_ALIAS_PREFIX);
}

/**
 * The key policy AWS gives the managed key of `aliasName`, as GetKeyPolicy returns it.
 * @throws RangeError if `aliasName` is not a predefined AWS managed alias.
 * @example awsManagedKeyPolicy('alias/aws/s3', 'us-east-1', '111122223333') // '{\n  "Version" : "2012-10-17",\n  "Id" : "auto-s3-2", ...'
 */
export function awsManagedKeyPolicy(aliasName: string, region: string, account: string): string {
  const spec = specOf(aliasName);
  const domain = partitionOf(region) === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  const callerAccount = { 'kms:CallerAccount': account };
  const thisRegion = `${spec.via}.${region}.${domain}`;
  const anyRegion = `${spec.via}.*.${domain}`;
  // Key order inside StringEquals follows the captures: ViaService first (s3, efs), CallerAccount
  // first where the condition splits into StringEquals and StringLike (dynamodb, secretsmanager).
  const condition: JsonValue = spec.anyRegion
    ? { StringEquals: callerAccount, StringLike: { 'kms:ViaService': anyRegion } }
    : { StringEquals: { 'kms:ViaService': thisRegion, ...callerAccount } };
  const statements: JsonValue[] = [{ Sid: spec.sid, Effect: 'Allow', Principal: { AWS: '*' }, Action: spec.actions, Resource: '*', Condition: condition }];
  if (spec.splitGenerateDataKey) {
    statements.push({
      Sid: spec.sid,
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 'kms:GenerateDataKey*',
      Resource: '*',
      Condition: { StringEquals: callerAccount, StringLike: { 'kms:ViaService': anyRegion } },
    });
  }
  const metadata = spec.revokeGrant ? ['kms:Describe*', 'kms:Get*', 'kms:List*', 'kms:RevokeGrant'] : ['kms:Describe*', 'kms:Get*', 'kms:List*'];
  statements.push({
    Sid: 'Allow direct access to key metadata to the account',
    Effect: 'Allow',
    Principal: { AWS: accountRootArn(region, account) },
    Action: metadata,
    Resource: '*',
  });
  if (spec.serviceRead !== undefined) {
    const [sid, service] = spec.serviceRead;
    statements.push({ Sid: sid, Effect: 'Allow', Principal: { Service: service }, Action: ['kms:Describe*', 'kms:Get*', 'kms:List*'], Resource: '*' });
  }
  return prettyJson({ Version: '2012-10-17', Id: spec.policyId, Statement: statements });
}

/**
 * The changes that create the AWS managed key for `aliasName` and point the alias at it.
 * @throws RangeError if `aliasName` is not a predefined AWS managed alias.
 */
export function createAwsManagedKey(random: Random, now: number, account: string, region: string, aliasName: string): Change[] {
  const spec = specOf(aliasName);
  const created = createKeyRecord({
    keyId: newKeyId(random),
    account,
    region,
    now,
    description: `Default key that protects my ${spec.protects} when no other key is defined`,
    policy: awsManagedKeyPolicy(aliasName, region, account),
    origin: 'AWS_KMS',
    keyManager: 'AWS',
    tags: [],
    materials: [newMaterial(random, 1, now)],
  });
  // Rotation is always on, yearly ("New AWS managed keys are automatically rotated one year after
  // they are created", concepts.md). model/rotation.ts derives the dates of AWS managed keys from
  // their creation and rotation history, so no next date is stored here.
  const key: KeyRecord = { ...created, rotation: { ...created.rotation, enabled: true, periodInDays: AWS_MANAGED_ROTATION_PERIOD_DAYS } };
  return [
    { type: 'putKey', key },
    { type: 'putAlias', alias: { account, region, aliasName, targetKeyId: key.keyId, creationDate: now, lastUpdatedDate: now } },
  ];
}

function specOf(aliasName: string): ManagedKeySpec {
  if (!isAwsManagedAliasName(aliasName)) throw new RangeError(`"aliasName" expected a predefined alias/aws/* name, got ${JSON.stringify(aliasName)}`);
  const spec = CATALOGUE[aliasName.slice(AWS_ALIAS_PREFIX.length)];
  if (spec === undefined) throw new RangeError(`"aliasName" expected a predefined alias/aws/* name, got ${JSON.stringify(aliasName)}`);
  return spec;
}
