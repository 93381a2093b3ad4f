/**
 * @module
 * "Did you mean --port?" for a mistyped flag: the known flag the unknown one begins (`--endpoint`
 * for `--endpoint-url`), or the one within two edits of it (Levenshtein distance: `--prot`,
 * `--https_port`), so the one line names what was meant instead of sending the user to the help.
 * The same for a mistyped operation name (`closestName`: `GenerateDatakey` → `GenerateDataKey`).
 */

/**
 * The known flag `unknown` abbreviates, or the closest within two edits; none when two fit as well.
 * @param unknown the flag as typed, with its dashes (`--prot`).
 * @param known the flags' long names, without dashes (`port`, `https-port`).
 * @returns `--name`, or `undefined` when nothing is close or two are equally close.
 * @example closestFlag('--prot', ['port', 'host']) // '--port'
 */
export function closestFlag(unknown: string, known: readonly string[]): string | undefined {
  // Flags are lower case: `--PORT` is `--port` typed with caps lock, not four edits away.
  const typed = (unknown.replace(/^-+/, '').split('=')[0] ?? '').toLowerCase();
  const extended = typed.length >= 3 ? known.filter((name) => name.startsWith(typed)) : [];
  if (extended.includes(typed)) return `--${typed}`;
  if (extended.length === 1) return `--${extended[0]}`;
  // A beginning several flags share (`--quota`: `--quotas`, `--quota-scale`) is not a typo of
  // one of them; the edit distance would pick one, not the one meant.
  if (extended.length > 1) return undefined;
  const best = closestName(typed, known);
  return best === undefined ? undefined : `--${best}`;
}

/**
 * The known name `typed` was meant to be, ignoring case, when one is within two edits (and no
 * other as close): `GenerateDatakey` → `GenerateDataKey`, `GetObjects` → `GetObject`.
 * @returns the known name as it is spelled, or `undefined`.
 * @example closestName('GenerateDatakey', ['GenerateDataKey', 'Decrypt']) // 'GenerateDataKey'
 */
export function closestName(typed: string, known: readonly string[]): string | undefined {
  const lower = typed.toLowerCase();
  let best: string | undefined;
  let bestDistance = 3;
  let tied = false;
  for (const name of known) {
    // The lengths' difference is a lower bound of the distance: a name that cannot come as close
    // is not measured (the measure costs the product of the lengths).
    if (Math.abs(name.length - lower.length) > bestDistance) continue;
    const distance = editDistance(lower, name.toLowerCase());
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
      tied = false;
    } else if (distance === bestDistance) {
      tied = true;
    }
  }
  return tied ? undefined : best;
}

/** Levenshtein distance, one row at a time: flags and operation names are a few characters long. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/**
 * `message` with "; did you mean --x?" added when it is parseArgs' "unknown option '--y'" and a
 * known flag fits; any other message unchanged. parseArgs reads a long flag typed with one dash
 * (`-port`) as short flags and names only the first it does not know (`-p`); given `args`, the
 * message then names the argument as typed and the long flag it spells.
 * @example withSuggestion("unknown option '--prot'", ['port']) // "unknown option '--prot'; did you mean --port?"
 */
export function withSuggestion(message: string, known: readonly string[], args: readonly string[] = []): string {
  const typed = /^unknown option '([^']+)'/.exec(message)?.[1];
  if (typed === undefined) return message;
  if (/^-[^-]$/.test(typed)) {
    const long = args.find((arg) => /^-[a-z][a-z-]+(=|$)/i.test(arg) && arg.includes(typed.slice(1)) && closestFlag(arg, known) !== undefined);
    if (long !== undefined) return `unknown option '${long.split('=')[0]}'; did you mean ${closestFlag(long, known)}?`;
  }
  const meant = closestFlag(typed, known);
  return meant === undefined ? message : `${message}; did you mean ${meant}?`;
}
