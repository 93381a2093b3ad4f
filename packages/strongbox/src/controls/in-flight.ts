/**
 * @module
 * The calls running on the endpoint's current engines, counted so that a reset can wait for them
 * (`drain`) before it closes or empties anything: each is answered, its writes acknowledged, for at
 * most `RESET_DRAIN_MS`.
 */

/**
 * How long a reset waits for the calls in flight when it starts (a call whose client stalled in
 * the middle of its body would otherwise hold every later call, queued behind the reset, as long).
 */
export const RESET_DRAIN_MS = 10_000;

/** The calls in flight on the engines. */
export interface InFlightCalls {
  /** Runs `handler(request)`, counted until it is answered or fails. @throws what `handler` throws. */
  counted<Request, Response>(handler: (request: Request) => Promise<Response>, request: Request): Promise<Response>;
  /** Resolves once no call runs on the engines (new ones wait for the reset), or after `RESET_DRAIN_MS`. */
  drain(): Promise<void>;
}

/**
 * A counter of the calls in flight, none yet.
 * @example const calls = inFlightCalls(); const answer = calls.counted(handler, request); await calls.drain();
 */
export function inFlightCalls(): InFlightCalls {
  // Calls running on the current engines, and the resets waiting for them to finish.
  let inFlight = 0;
  let drained: (() => void)[] = [];
  const finished = (): void => {
    inFlight -= 1;
    if (inFlight === 0 && drained.length > 0) for (const resolve of drained.splice(0)) resolve();
  };
  // `then` with both handlers rather than `finally`: one promise per call instead of three
  // (`finally` chains a promise of its callback's result before passing the answer on).
  const answered = <Value>(value: Value): Value => {
    finished();
    return value;
  };
  const failed = (error: unknown): never => {
    finished();
    throw error;
  };
  const counted = <Request, Response>(handler: (request: Request) => Promise<Response>, request: Request): Promise<Response> => {
    inFlight += 1;
    let answer: Promise<Response>;
    try {
      answer = handler(request);
    } catch (error) {
      finished();
      throw error;
    }
    return answer.then(answered, failed);
  };
  const drain = async (): Promise<void> => {
    if (inFlight === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => drained.push(resolve)),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, RESET_DRAIN_MS);
      }),
    ]);
    clearTimeout(timer);
    drained = [];
  };
  return { counted, drain };
}
