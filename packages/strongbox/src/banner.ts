/**
 * @module
 * What `strongbox serve` prints once the port is open: where it listens, with which Region,
 * account and credentials, and lines to paste into a shell or a program (`AWS_REGION` is what the
 * SDKs and AWS CLI v2 read, `AWS_DEFAULT_REGION` what AWS CLI v1 reads). Secrets are printed only
 * for the well-known default key `test`/`test`; users-file keys are listed by access key id.
 */

import { DEFAULT_ACCESS_KEY_ID, DEFAULT_CUSTOMER_MANAGED_KEYS, DEFAULT_SECRET_ACCESS_KEY, NO_USERS, type UserDirectory, withDefaultUser } from '@strongbox/kms';
import type { ServeQuotas } from './options.ts';

/** What the banner describes. */
export interface BannerFacts {
  readonly url: string;
  /** The HTTPS listener, if any: its URL and the certificate clients must trust. */
  readonly https?: { readonly url: string; readonly certPath: string; readonly origin: 'given' | 'created' | 'reused'; readonly fingerprint256: string };
  readonly region: string;
  readonly account: string;
  /** The data directory, if state persists. */
  readonly data?: string;
  /** The users file's entries (without the default key), if a users file was given. */
  readonly users?: UserDirectory;
  readonly strictAuth: boolean;
  /** `--s3-data-events`: S3 object-level calls are in the trail too. Default false. */
  readonly s3DataEvents?: boolean;
  /** Quota setting as given on the command line. */
  readonly quotas?: false | ServeQuotas;
}

/**
 * The start-up text, one string with a trailing newline.
 * @example startBanner({ url: 'http://127.0.0.1:4566', region: 'us-east-1', account: '000000000000', strictAuth: false })
 */
export function startBanner(facts: BannerFacts): string {
  const fileUsers = facts.users?.entries ?? [];
  // The file may redefine `test`; then its secret is the file's, and stays unprinted.
  const defaultKey = !fileUsers.some((user) => user.accessKeyId === DEFAULT_ACCESS_KEY_ID);
  const firstId = fileUsers[0]?.accessKeyId ?? DEFAULT_ACCESS_KEY_ID;
  const shown = defaultKey ? { id: DEFAULT_ACCESS_KEY_ID, secret: DEFAULT_SECRET_ACCESS_KEY } : { id: firstId, secret: `<secret of ${firstId}>` };
  const lines = [
    `Strongbox listening on ${facts.url}${facts.https ? ` and ${facts.https.url}` : ''}  (KMS, CloudTrail LookupEvents, STS GetCallerIdentity, S3)`,
    `  Region ${facts.region}, account ${facts.account}`,
    `  State: ${facts.data === undefined ? 'in memory (lost on exit; --data DIR keeps it)' : `kept in ${facts.data}`}`,
    `  Quotas: ${quotaText(facts.quotas)}`,
    `  Authentication: ${authenticationText(facts.strictAuth, facts.users !== undefined)}`,
    // Said only when on: it is a departure from AWS (Event history never lists data events).
    ...(facts.s3DataEvents === true ? ['  CloudTrail: S3 data events recorded too (LookupEvents lists PutObject, GetObject, ... beside the KMS calls)'] : []),
    '',
    'Credentials:',
    ...(defaultKey
      ? [
          `  ${DEFAULT_ACCESS_KEY_ID} / ${DEFAULT_SECRET_ACCESS_KEY}  ->  ${withDefaultUser(NO_USERS, facts.account, facts.region).lookup(DEFAULT_ACCESS_KEY_ID)!.principal.arn}`,
        ]
      : []),
    ...fileUsers.map((user) => `  ${user.accessKeyId} / (secret in the users file)  ->  ${user.principal.arn}`),
    '',
    'Use it from a shell:',
    `  export AWS_ENDPOINT_URL=${facts.url} AWS_ACCESS_KEY_ID=${shown.id} AWS_SECRET_ACCESS_KEY=${shown.secret} AWS_REGION=${facts.region} AWS_DEFAULT_REGION=${facts.region}`,
    `  aws kms create-key --endpoint-url ${facts.url} --region ${facts.region}`,
    `  aws s3 mb s3://my-bucket --endpoint-url ${facts.url} --region ${facts.region}`,
    '',
    'Or from the AWS SDK for JavaScript:',
    `  new KMSClient({ endpoint: '${facts.url}', region: '${facts.region}', credentials: { accessKeyId: '${shown.id}', secretAccessKey: '${shown.secret}' } })`,
    `  new S3Client({ endpoint: '${facts.url}', region: '${facts.region}', credentials: { accessKeyId: '${shown.id}', secretAccessKey: '${shown.secret}' }, forcePathStyle: true })`,
    '',
    // S3 refuses SSE-KMS and SSE-C over plain HTTP, as AWS does: without this line a newcomer's
    // first `aws s3 cp --sse aws:kms` fails with nothing here saying what to add.
    ...(facts.https
      ? httpsLines(facts.https, facts.region)
      : [`SSE-KMS and SSE-C need TLS, as on AWS (plain-HTTP requests for them are refused): add --https-port ${httpsPortHint(facts.url)}.`, '']),
    'Stop with Ctrl-C.',
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * The port the TLS hint suggests: the one after the plain port (4567 beside the default 4566), or
 * the one before it at 65535. Never the plain port itself, which `--https-port` refuses.
 */
function httpsPortHint(url: string): number {
  const port = Number(new URL(url).port || 80);
  return port < 65535 ? port + 1 : port - 1;
}

/**
 * The authentication mode in one line. Without a users file the default mode has no verified keys
 * at all, so the line does not talk about users-file keys a newcomer never gave; with one (even one
 * listing nobody) it does not tell them to add `--users FILE`.
 */
function authenticationText(strictAuth: boolean, hasUsersFile: boolean): string {
  if (strictAuth)
    return 'strict (unknown access keys are refused; unsigned S3 requests are the anonymous caller, allowed only by a bucket policy for "*"; KMS and the admin API refuse them)';
  if (hasUsersFile) return 'users-file keys are verified; unsigned requests and other keys (test/test too, any secret) act as the account root';
  return 'open: unsigned requests and any access key (test/test too, any secret) act as the account root; --users FILE adds verified keys';
}

/**
 * How to reach the HTTPS listener: the certificate, and how each client trusts it (or, for
 * throw-away tests, skips verifying it): the AWS CLI's `--ca-bundle` / `--no-verify-ssl`, boto3's
 * `verify=`, the JS SDK's `NODE_EXTRA_CA_CERTS` or an https Agent with `ca`.
 */
function httpsLines(https: NonNullable<BannerFacts['https']>, region: string): string[] {
  const where =
    https.origin === 'given'
      ? 'given with --tls-cert'
      : `self-signed for localhost, *.s3.localhost, 127.0.0.1 and ::1, ${https.origin === 'reused' ? 'kept from an earlier start' : 'made now'}`;
  const cert = https.certPath;
  return [
    'HTTPS:',
    `  Certificate: ${cert}  (${where})`,
    `  SHA-256 fingerprint: ${https.fingerprint256}`,
    '  Trust it (or, for throw-away tests only, skip verification):',
    `    AWS CLI:  aws kms list-keys --endpoint-url ${https.url} --region ${region} --ca-bundle ${cert}    (or --no-verify-ssl)`,
    `              or: export AWS_CA_BUNDLE=${cert}`,
    `    boto3:    boto3.client('kms', endpoint_url='${https.url}', region_name='${region}', verify='${cert}')    (or verify=False)`,
    `    JS SDK:   NODE_EXTRA_CA_CERTS=${cert} node app.js`,
    `              or: new KMSClient({ endpoint: '${https.url}', requestHandler: { httpsAgent: new https.Agent({ ca: readFileSync('${cert}') }) } })`,
    '',
  ];
}

function quotaText(quotas: BannerFacts['quotas']): string {
  // `false` stops throttling only: the key quota (a count, not a rate) keeps AWS's default.
  if (quotas === false) return `no throttling; ${DEFAULT_CUSTOMER_MANAGED_KEYS} customer managed keys per account and Region`;
  const keys = quotas?.customerManagedKeys === undefined ? '' : `; ${quotas.customerManagedKeys} customer managed keys per account and Region`;
  if (quotas?.enabled === false) return `no throttling${keys}`;
  const which =
    quotas?.profile === 'aws'
      ? "AWS's request quotas, every operation's own included"
      : "AWS's shared cryptographic quotas (--quotas aws adds CreateKey 5/s and the rest)";
  return `${quotas?.scale === undefined ? which : `${which} x ${quotas.scale}`}${keys}`;
}
