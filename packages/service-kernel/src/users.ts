/**
 * @module
 * The users file: which SigV4 access keys the emulator knows, their secrets, and the IAM principal
 * (with an optional identity policy) each one signs as. Real AWS resolves an access key id to an
 * IAM user or role session through IAM/STS; Strongbox reads the mapping from a JSON document:
 *
 * ```json
 * { "users": [{ "accessKeyId": "AKIAALICE", "secretAccessKey": "…",
 *               "principal": "arn:aws:iam::111122223333:user/alice",
 *               "policy": { "allow": ["kms:Encrypt", "kms:Decrypt"], "deny": ["kms:ScheduleKeyDeletion"] } }] }
 * ```
 *
 * `policy` is an IAM policy document (object or JSON text) or the `allow`/`deny` shorthand, which
 * becomes a document whose statements have `"Resource": "*"`. The access key `test` (secret `test`)
 * is always known as the default account's root, unless the file defines `test` itself.
 */

import { parseJsonText } from './json-text.ts';
import { type Principal, principalFromArn, rootPrincipal } from './principal.ts';

/** One known access key. */
export interface UserEntry {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Who requests signed with this key come from (with `accessKeyId` and `identityPolicy` set). */
  readonly principal: Principal;
}

/** Known access keys, looked up by access key id. */
export interface UserDirectory {
  /** The entry of `accessKeyId`, or `undefined` if the key is unknown. */
  lookup(accessKeyId: string): UserEntry | undefined;
  /** Every entry, in file order. */
  readonly entries: readonly UserEntry[];
}

/** The access key id that always works (the AWS CLI/SDK convention of local emulators). */
export const DEFAULT_ACCESS_KEY_ID = 'test';
/** Its secret. */
export const DEFAULT_SECRET_ACCESS_KEY = 'test';

/** SigV4 puts the access key id into the `/`-separated credential scope: no `/`, `,`, `=` or spaces. */
const ACCESS_KEY_ID = /^[A-Za-z0-9_.+@-]{1,128}$/;
const POLICY_VERSION = '2012-10-17';

/**
 * Parses a users document (JSON text or an already parsed value) into a directory.
 *
 * @throws TypeError naming the bad entry: not an object, missing/duplicate access key id, missing
 *   secret, malformed principal ARN or policy; for text that is not JSON, the line and column of
 *   the syntax error (never the text itself).
 * @example
 * ```ts
 * const users = parseUsers('{"users":[{"accessKeyId":"AKIAALICE","secretAccessKey":"s3cr3t","principal":"arn:aws:iam::111122223333:user/alice"}]}');
 * users.lookup('AKIAALICE')?.principal.type; // 'IAMUser'
 * ```
 */
export function parseUsers(json: unknown): UserDirectory {
  // A syntax error is reported by line and column only: V8's own message would quote the text
  // around it, which in this file may well be a secret access key.
  const document = typeof json === 'string' ? parseJsonText(json, 'users file') : json;
  if (!isRecord(document) || !Array.isArray(document['users'])) {
    throw new TypeError('users file: expected an object {"users": [...]}');
  }
  const entries: UserEntry[] = [];
  const seen = new Set<string>();
  document['users'].forEach((raw: unknown, index: number) => {
    const entry = parseEntry(raw, `users[${index}]`);
    if (seen.has(entry.accessKeyId)) throw new TypeError(`users[${index}]: duplicate "accessKeyId" ${JSON.stringify(entry.accessKeyId)}`);
    seen.add(entry.accessKeyId);
    entries.push(entry);
  });
  return directoryOf(entries);
}

/**
 * Adds the default `test`/`test` key, signing as the root of `account`, unless `directory` already
 * defines `test`.
 * @example withDefaultUser(parseUsers('{"users":[]}'), '000000000000').lookup('test')?.principal.arn // 'arn:aws:iam::000000000000:root'
 */
export function withDefaultUser(directory: UserDirectory, account: string, region: string = 'us-east-1'): UserDirectory {
  if (directory.lookup(DEFAULT_ACCESS_KEY_ID) !== undefined) return directory;
  const root: UserEntry = {
    accessKeyId: DEFAULT_ACCESS_KEY_ID,
    secretAccessKey: DEFAULT_SECRET_ACCESS_KEY,
    principal: { ...rootPrincipal(region, account), accessKeyId: DEFAULT_ACCESS_KEY_ID },
  };
  return directoryOf([root, ...directory.entries]);
}

/** An empty directory (only useful with `withDefaultUser`). */
export const NO_USERS: UserDirectory = directoryOf([]);

function directoryOf(entries: readonly UserEntry[]): UserDirectory {
  const byId = new Map(entries.map((entry) => [entry.accessKeyId, entry]));
  return Object.freeze({ entries: Object.freeze([...entries]), lookup: (accessKeyId: string) => byId.get(accessKeyId) });
}

function parseEntry(raw: unknown, where: string): UserEntry {
  if (!isRecord(raw)) throw new TypeError(`${where}: expected an object with "accessKeyId", "secretAccessKey" and "principal"`);
  const { accessKeyId, secretAccessKey, principal, policy } = raw;
  if (typeof accessKeyId !== 'string' || !ACCESS_KEY_ID.test(accessKeyId)) {
    throw new TypeError(`${where}: "accessKeyId" expected 1 to 128 letters, digits or _.+@-, got ${JSON.stringify(accessKeyId)}`);
  }
  const named = `${where} (${accessKeyId})`;
  if (typeof secretAccessKey !== 'string' || secretAccessKey === '') throw new TypeError(`${named}: "secretAccessKey" expected a non-empty string`);
  for (const key of Object.keys(raw)) {
    if (!['accessKeyId', 'secretAccessKey', 'principal', 'policy'].includes(key)) throw new TypeError(`${named}: unknown member ${JSON.stringify(key)}`);
  }
  if (typeof principal !== 'string') throw new TypeError(`${named}: "principal" expected an IAM or STS principal ARN, got ${JSON.stringify(principal)}`);
  const identityPolicy = policy === undefined ? undefined : policyText(policy, named);
  let parsed: Principal;
  try {
    parsed = principalFromArn(principal, { accessKeyId, ...(identityPolicy === undefined ? {} : { identityPolicy }) });
  } catch (error) {
    throw new TypeError(`${named}: ${(error as Error).message}`);
  }
  return { accessKeyId, secretAccessKey, principal: parsed };
}

/** The identity policy as JSON text: a document (object or text) or the allow/deny shorthand. */
function policyText(policy: unknown, where: string): string {
  let document = policy;
  if (typeof policy === 'string') {
    try {
      document = JSON.parse(policy);
    } catch {
      throw new TypeError(`${where}: "policy" is not valid JSON`);
    }
  }
  if (!isRecord(document)) throw new TypeError(`${where}: "policy" expected an IAM policy document or {"allow": [...], "deny": [...]}`);
  if ('Statement' in document) return typeof policy === 'string' ? policy : JSON.stringify(document);
  const statements: Record<string, unknown>[] = [];
  for (const [member, effect] of [
    ['allow', 'Allow'],
    ['deny', 'Deny'],
  ] as const) {
    const actions = document[member];
    if (actions === undefined) continue;
    if (!Array.isArray(actions) || actions.length === 0 || !actions.every((a) => typeof a === 'string' && a !== '')) {
      throw new TypeError(`${where}: "policy.${member}" expected a non-empty list of actions such as "kms:Encrypt"`);
    }
    statements.push({ Effect: effect, Action: actions, Resource: '*' });
  }
  const unknown = Object.keys(document).filter((key) => key !== 'allow' && key !== 'deny');
  if (statements.length === 0 || unknown.length > 0) {
    throw new TypeError(`${where}: "policy" expected an IAM policy document (with "Statement") or {"allow": [...], "deny": [...]}`);
  }
  return JSON.stringify({ Version: POLICY_VERSION, Statement: statements });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
