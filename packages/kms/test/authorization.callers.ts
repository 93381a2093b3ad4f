/**
 * Test callers for the authorization suites: principals keyed by the SigV4 access key id the SDK
 * client signs with, and the `authenticate` hook that maps a request to its caller (parsing
 * `Credential=<AKID>/...` from the Authorization header; unknown keys fall back to the default
 * account root, as the emulator does).
 */

import type { KMSClient } from '@aws-sdk/client-kms';
import { type Principal, principalFromArn } from '@strongbox/service-kernel';
import type { Json11Options } from '../src/http.ts';
import type { SdkFixture } from './helpers/sdk.ts';

/** The account owning the keys in these suites, and a second account. */
export const OWNER = '111122223333';
export const OTHER = '444455556666';

/** A directory of callers by access key id. */
export type Callers = Readonly<Record<string, Principal>>;

/** An identity policy document allowing (or denying) `actions` on `resource`. */
export function identityPolicy(effect: 'Allow' | 'Deny', actions: string | string[], resource = '*', extra: object = {}): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: effect, Action: actions, Resource: resource, ...extra }] });
}

/** A principal from its ARN, with an optional identity policy. */
export function caller(arn: string, policy?: string): Principal {
  return principalFromArn(arn, policy === undefined ? {} : { identityPolicy: policy });
}

/** The JSON 1.1 handler option mapping access key ids to callers. */
export function authenticateWith(callers: Callers): Json11Options {
  return {
    authenticate(request) {
      const match = /Credential=([^/,\s]+)\//.exec(request.headers['authorization'] ?? '');
      const principal = match === null ? undefined : callers[match[1]!];
      return principal === undefined ? undefined : { caller: principal };
    },
  };
}

/** A client signing as `accessKeyId`. */
export function clientAs(fixture: SdkFixture, accessKeyId: string): KMSClient {
  return fixture.clientFor({ accessKeyId });
}
