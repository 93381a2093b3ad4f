/**
 * @module
 * Numeric command-line options of the benchmark scripts (`--pairs 200`), read the same way by
 * each: the value follows the option's name.
 */

/**
 * The positive integer after `name` in `argv`, or `fallback` when `name` is not given.
 * @param name - the option, dashes included (`--pairs`).
 * @param fallback - the value when `argv` does not hold `name`.
 * @param argv - the arguments to read; this process's by default.
 * @returns The option's value.
 * @throws Error when the value after `name` is not a positive integer.
 * @example
 * numberOption('--pairs', 1500, ['--pairs', '200']); // 200
 */
export function numberOption(name: string, fallback: number, argv: readonly string[] = process.argv): number {
  const at = argv.indexOf(name);
  if (at === -1) return fallback;
  const value = Number(argv[at + 1]);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} needs a positive integer, not ${argv[at + 1]}`);
  return value;
}
