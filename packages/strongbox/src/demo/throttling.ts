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
import { StrongboxError } from '../errors.ts';
import type { DemoContext, DemoKey } from './context.ts';
import { describeError, errorCode } from './steps.ts';

/** The quota row the symmetric cryptographic operations share. */
const ROW = 'cryptographic';
/**
 * The row's rate during the burst, requests per second. One a second, so that the check cannot
 * depend on the machine's speed: in process the endpoint's clock is also held still for the burst
 * (exactly one call admitted); against a running endpoint the burst would have to take longer
 * than `burst` seconds for every call to be admitted.
 */
export const BURST_QUOTA = 1;
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
  printer.row('quota row', `${ROW} (symmetric: GenerateDataKey, Encrypt, Decrypt, ... share it)`);
  printer.row('AWS rate', `${defaultCryptographicQuota(context.region).toLocaleString('en-US')} requests/s in ${context.region}`);
  let before: QuotaOptions;
  try {
    // Reading is inside the try too: under --strict-auth the route refuses GET as well as PUT.
    before = (await quotas.read()).options;
    await quotas.configure(lowered(before));
  } catch (error) {
    if (!(error instanceof StrongboxError && error.code === 'QUOTA_ROUTE_REFUSED')) throw error;
    printer.note(
      `Skipped: the endpoint refused to read or change its quotas (${error.message}).\nStart it with --quota-scale to see throttling, e.g. strongbox serve --quota-scale 0.0002.`,
    );
    return;
  }
  let answers: PromiseSettledResult<unknown>[];
  let usage: Awaited<ReturnType<typeof quotas.read>>['usage'];
  try {
    printer.row('for the burst', `lowered to ${BURST_QUOTA}/s (${quotas.where}; restored after)`);
    if (context.holdClock !== undefined) printer.row('clock', "the endpoint's clock held still for the burst (released after)");
    const release = context.holdClock?.();
    try {
      answers = await Promise.allSettled(
        Array.from({ length: burst }, () => context.burstKms.send(new GenerateDataKeyCommand({ KeyId: key.arn, KeySpec: 'AES_256' }))),
      );
    } finally {
      release?.();
    }
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
  if (context.holdClock !== undefined)
    printer.check(`with the clock held, exactly ${BURST_QUOTA} call admitted at ${BURST_QUOTA}/s`, admitted === Math.min(BURST_QUOTA, burst));
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
