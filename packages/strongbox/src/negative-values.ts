/**
 * @module
 * `--port -1` as `--port=-1` before `node:util` `parseArgs` sees it: parseArgs takes a value
 * starting with a dash for a forgotten value ("argument is ambiguous"), which hides the real
 * mistake; joined, the flag's own check names it ("--port expected a number from 0 to 65535, got
 * '-1'"). Shared by `serve` and `demo`, whose string flags both take numbers.
 */

/**
 * `args` with each string flag followed by a negative number joined to it. Only a negative number
 * is joined, so `--data --quiet` still says the value is missing; after `--` every argument is
 * left as typed, so an error names what the user wrote.
 * @param stringFlags the long names (without dashes) of the flags that take a value.
 * @example joinNegativeNumbers(['--port', '-1'], ['port']) // ['--port=-1']
 */
export function joinNegativeNumbers(args: readonly string[], stringFlags: readonly string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      joined.push(...args.slice(i));
      break;
    }
    const next = args[i + 1];
    if (arg.startsWith('--') && stringFlags.includes(arg.slice(2)) && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else {
      joined.push(arg);
    }
  }
  return joined;
}
