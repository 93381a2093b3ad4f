/**
 * @module
 * "Did you mean --port?" for a mistyped flag: the known flag the unknown one begins (`--endpoint`
 * for `--endpoint-url`), or the one within two edits of it (Levenshtein distance: `--prot`,
 * `--https_port`), so the one line names what was meant instead of sending the user to the help.
 */

/**
 * The known flag `unknown` abbreviates, or the closest within two edits; none when two fit as well.
 * @param unknown the flag as typed, with its dashes (`--prot`).
 * @param known the flags' long names, without dashes (`port`, `https-port`).
 * @returns `--name`, or `undefined` when nothing is close or two are equally close.
 * @example closestFlag('--prot', ['port', 'host']) // '--port'
 */
export function closestFlag(unknown: string, known: readonly string[]): string | undefined {
  const typed = unknown.replace(/^-+/, '').split('=')[0] ?? '';
  const extended = typed.length >= 3 ? known.filter((name) => name.startsWith(typed)) : [];
  if (extended.length === 1) return `--${extended[0]}`;
  let best: string | undefined;
  let bestDistance = 3;
  let tied = false;
  for (const name of known) {
    const distance = editDistance(typed, name);
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
      tied = false;
    } else if (distance === bestDistance) {
      tied = true;
    }
  }
  return best === undefined || tied ? undefined : `--${best}`;
}

/** Levenshtein distance, one row at a time: flags are a few characters long. */
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
 * known flag fits; any other message unchanged.
 * @example withSuggestion("unknown option '--prot'", ['port']) // "unknown option '--prot'; did you mean --port?"
 */
export function withSuggestion(message: string, known: readonly string[]): string {
  const typed = /^unknown option '([^']+)'/.exec(message)?.[1];
  const meant = typed === undefined ? undefined : closestFlag(typed, known);
  return meant === undefined ? message : `${message}; did you mean ${meant}?`;
}
