/**
 * @module
 * The KMS request quotas the throttling step lowers for its burst and then restores: in process
 * through `kms.quotas`, against a running endpoint through its `/_strongbox/quotas` route (GET
 * reads the setting and counters, PUT replaces the setting; see `admin.ts`). Under
 * `--strict-auth` that route answers 403, which `QuotaControl` reports as the `StrongboxError`
 * `QUOTA_ROUTE_REFUSED`.
 */

import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Kms, QuotaOptions, QuotaSetting, QuotaUsage } from '@strongbox/kms';
import { QUOTAS_PATH } from '../admin.ts';
import { StrongboxError } from '../errors.ts';

/** The quota setting in force and the counters of each quota that has seen a request. */
export interface QuotaState {
  readonly options: QuotaOptions;
  readonly usage: readonly QuotaUsage[];
}

/** Reads and replaces an endpoint's quotas. */
export interface QuotaControl {
  /** Where the quotas are changed, for the report. */
  readonly where: string;
  read(): Promise<QuotaState>;
  /** @throws StrongboxError QUOTA_ROUTE_REFUSED when the endpoint refuses the change; Error for other failures. */
  configure(setting: QuotaSetting): Promise<void>;
}

/**
 * The quotas of an in-process `Kms`.
 * @example inProcessQuotas(sb.kms).configure({ overrides: { cryptographic: 20 } })
 */
export function inProcessQuotas(kms: Kms): QuotaControl {
  return {
    where: 'kms.quotas.configure()',
    read: async () => ({ options: kms.quotas.options, usage: kms.quotas.usage() }),
    configure: async (setting) => kms.quotas.configure(setting),
  };
}

/**
 * The quotas of a running endpoint, through `GET`/`PUT /_strongbox/quotas` at `base` (its HTTP or
 * HTTPS URL; `ca` is the certificate to trust for HTTPS).
 * @example await remoteQuotas('http://127.0.0.1:4566').read()
 */
export function remoteQuotas(base: string, ca?: string): QuotaControl {
  const url = new URL(QUOTAS_PATH, base);
  return {
    where: `PUT ${url.href}`,
    async read() {
      const state = (await call(url, 'GET', undefined, ca)) as { options: QuotaOptions; usage: (QuotaUsage & { limit: number | null })[] };
      // The route writes an unlimited quota's limit as null (JSON has no Infinity).
      return { options: state.options, usage: state.usage.map((usage) => ({ ...usage, limit: usage.limit ?? Number.POSITIVE_INFINITY })) };
    },
    async configure(setting) {
      await call(url, 'PUT', JSON.stringify(setting), ca);
    },
  };
}

async function call(url: URL, method: 'GET' | 'PUT', body: string | undefined, ca: string | undefined): Promise<unknown> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const outgoing = send(
      url,
      { method, ...(ca === undefined ? {} : { ca }), headers: body === undefined ? {} : { 'Content-Type': 'application/json' } },
      resolve,
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${method} ${url.pathname} answered ${response.statusCode} with a body that is not JSON`);
  }
  const message = (parsed as { message?: unknown }).message;
  // The quota route refused (403 under `--strict-auth`).
  if (response.statusCode === 403) throw new StrongboxError('QUOTA_ROUTE_REFUSED', typeof message === 'string' ? message : `${url.pathname} answered 403`);
  if (response.statusCode !== 200)
    throw new Error(`${method} ${url.pathname} answered ${response.statusCode}: ${typeof message === 'string' ? message : text}`);
  return parsed;
}
