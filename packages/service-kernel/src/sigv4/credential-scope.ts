/**
 * @module
 * The credential scope of a header-signed request (`<key>/<yyyymmdd>/<region>/<service>/aws4_request`),
 * parsed and checked against the signing date and the endpoint's service with AWS's texts; and the
 * bound the header form's memos share (scopes, signers, parsed headers), each keyed by something a
 * client repeats, so that none grows without end.
 */

import { ServiceError } from '../errors.ts';

/**
 * Distinct credential scopes remembered per authenticator (then forgotten all at once); the other
 * memos of the header form use the same bound.
 */
export const SCOPE_CACHE_LIMIT = 256;
const TERMINATOR = 'aws4_request';
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/**
 * Whether `region` is a well-formed Region name (`us-east-1`, `ap-southeast-2`): the emulator
 * serves every Region, but a malformed one cannot be served.
 * @example isRegionName('eu-west-1') // true
 */
export function isRegionName(region: string): boolean {
  return REGION.test(region);
}

/** The credential scope `<key>/<yyyymmdd>/<region>/<service>/aws4_request`. */
export interface Scope {
  readonly accessKeyId: string;
  readonly region: string;
  readonly service: string;
}

/**
 * Parses `credential` and checks it against the signing date and the `service` the endpoint serves.
 * @throws ServiceError IncompleteSignatureException (not five elements) or InvalidSignatureException
 *   (wrong Region form, service, terminator or date), with AWS's texts.
 * @example parseScope('AKIDEXAMPLE/20260101/us-east-1/kms/aws4_request', '20260101T000000Z', 'kms') // { accessKeyId: 'AKIDEXAMPLE', region: 'us-east-1', service: 'kms' }
 */
export function parseScope(credential: string, amzDate: string, service: string): Scope {
  // dynalite: "trailing slashes are ignored".
  const parts = credential.replace(/\/+$/, '').split('/');
  if (parts.length !== 5) {
    throw new ServiceError(
      'IncompleteSignatureException',
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
    );
  }
  const [accessKeyId, date, region, scopeService, terminator] = parts as [string, string, string, string, string];
  const problems: string[] = [];
  // Any well-formed Region is accepted: the emulator serves every Region, and the scope names the
  // Region of the call (KMS state is per Region).
  if (!isRegionName(region)) problems.push(`Credential should be scoped to a valid region, not '${region}'.`);
  if (scopeService !== service) problems.push(`Credential should be scoped to correct service: '${service}'.`);
  if (terminator !== TERMINATOR) problems.push(`Credential should be scoped with a valid terminator: '${TERMINATOR}', not '${terminator}'.`);
  if (date !== amzDate.slice(0, 8)) {
    problems.push(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }
  if (problems.length > 0) throw new ServiceError('InvalidSignatureException', problems.join(' '));
  return { accessKeyId, region, service };
}
