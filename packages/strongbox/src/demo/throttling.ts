/**
 * @module
 * KMS throttling under a burst: GenerateDataKey, Encrypt, Decrypt and the other symmetric
 * cryptographic operations share one request quota per account and Region ("Cryptographic
 * operations (symmetric) request rate": 100,000/s in us-east-1, us-west-2 and eu-west-1, 20,000
 * or 10,000 elsewhere; AWS KMS "Request quotas"). A burst above it is answered
 * ThrottlingException. So that a small burst shows it, the step lowers that row for the burst
 * (through the endpoint's quota control) and restores the previous setting afterwards. The SDK's
 * retries are off, so every throttled call is counted, not retried.
 */

import { GenerateDataKeyCommand } from '@aws-sdk/client-kms';
import { defaultCryptographicQuota, type QuotaOptions } from '@strongbox/kms';
import type { DemoContext, DemoKey } from './context.ts';
import { QuotaRouteRefused } from './quotas.ts';
import { describeError, errorCode } from './steps.ts';

/** The quota row the symmetric cryptographic operations share. */
const ROW = 'cryptographic';
/** The row's rate during the burst, requests per second. */
export const BURST_QUOTA = 20;
/** Calls in the burst by default. */
export const DEFAULT_BURST = 60;

/**
 * Sends `burst` GenerateDataKey calls at once against a lowered quota and counts the answers.
 * @throws Error when the quotas cannot be read or restored.
 * @example await throttlingStep(context, 60)
 */
export async function throttlingStep(context: DemoContext, burst: number = DEFAULT_BURST): Promise<void> {
  const { printer, quotas } = context;
  const key = context.key as DemoKey;
  printer.section('KMS throttling', 'a burst against the shared cryptographic quota');
  const before = (await quotas.read()).options;
  printer.row('quota row', `${ROW} (symmetric: GenerateDataKey, Encrypt, Decrypt, ... share it)`);
  printer.row('AWS rate', `${defaultCryptographicQuota(context.region).toLocaleString('en-US')} requests/s in ${context.region}`);
  try {
    await quotas.configure(lowered(before));
  } catch (error) {
    if (!(error instanceof QuotaRouteRefused)) throw error;
    printer.note(
      `Skipped: the endpoint refused to change its quotas (${error.message}).\nStart it with --quota-scale to see throttling, e.g. strongbox serve --quota-scale 0.0002.`,
    );
    return;
  }
  let answers: PromiseSettledResult<unknown>[];
  let usage: Awaited<ReturnType<typeof quotas.read>>['usage'];
  try {
    printer.row('for the burst', `lowered to ${BURST_QUOTA}/s (${quotas.where}; restored after)`);
    answers = await Promise.allSettled(
      Array.from({ length: burst }, () => context.burstKms.send(new GenerateDataKeyCommand({ KeyId: key.arn, KeySpec: 'AES_256' }))),
    );
    usage = (await quotas.read()).usage;
  } finally {
    await quotas.configure(before);
  }
  const throttled = answers.filter((answer) => answer.status === 'rejected' && errorCode(answer.reason) === 'ThrottlingException');
  const admitted = answers.filter((answer) => answer.status === 'fulfilled').length;
  const other = answers.length - admitted - throttled.length;
  printer.row('burst', `${burst} GenerateDataKey calls at once, SDK retries off (maxAttempts: 1)`);
  printer.row('answers', [
    `${admitted} data keys, ${throttled.length} ThrottlingException${other > 0 ? `, ${other} other errors` : ''}`,
    ...(throttled[0] === undefined ? [] : [`e.g. ${describeError((throttled[0] as PromiseRejectedResult).reason)}`]),
  ]);
  const row = usage.find((entry) => entry.quota === ROW && entry.region === context.region);
  if (row !== undefined) printer.row('quota counters', `${ROW}: limit ${row.limit}/s, admitted ${row.admitted}, throttled ${row.throttled}`);
  printer.check('the burst over the quota is answered ThrottlingException', throttled.length > 0);
  printer.check("the quota's counters agree with the answers", row !== undefined && row.throttled === throttled.length && row.admitted >= admitted);
  // The burst's GenerateDataKey records would fill a screen: they are summed up, not listed.
  const events = await context.trail.since();
  const recorded = events.filter((event) => event.eventName === 'GenerateDataKey');
  printer.row(
    'audit events',
    `${recorded.length} GenerateDataKey records (${recorded.filter((event) => event.errorCode === 'ThrottlingException').length} with errorCode ThrottlingException)`,
  );
}

/** `before` with the cryptographic row lowered to `BURST_QUOTA` (and quotas on, unscaled). */
function lowered(before: QuotaOptions): QuotaOptions {
  return { ...before, enabled: true, scale: 1, overrides: { ...(before.overrides ?? {}), [ROW]: BURST_QUOTA } };
}
