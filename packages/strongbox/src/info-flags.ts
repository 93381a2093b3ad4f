/**
 * @module
 * `--help` and `--version` answer whatever else the command line holds: `strongbox serve --version
 * --port x` prints the version, as `strongbox --version --port x` does. The GNU Coding Standards
 * ("Standards for Command Line Interfaces", `--version` and `--help`): "Other options and
 * arguments should be ignored once this is seen, and the program should not perform its normal
 * function"; GNU tools ignore what follows it (`ls --version --width=x` prints the version, `ls
 * --width=x --version` refuses the width), npm and the AWS CLI ignore everything (`npm --version
 * --bogus`, `aws --version --bogus`), as this does, so that the order does not matter. Node.js,
 * git and grep check every flag first (`node --version --bogus` exits 9): a user asking for help
 * or the version is better served by it than by an error about a flag beside it.
 */

import { type ParseArgsConfig, parseArgs } from 'node:util';

/**
 * Which of `names` (boolean flags) `args` gives, read as `parseArgs` reads them but without any
 * check: a flag's value (`--data --version`) and anything after `--` are not flags.
 * @example flagsGiven(['--port', 'x', '-v'], { port: { type: 'string' }, version: { type: 'boolean', short: 'v' } }, ['help', 'version']) // Set { 'version' }
 */
export function flagsGiven(args: readonly string[], options: NonNullable<ParseArgsConfig['options']>, names: readonly string[]): ReadonlySet<string> {
  const { tokens } = parseArgs({ args: [...args], options, strict: false, allowPositionals: true, tokens: true });
  const given = new Set<string>();
  for (const token of tokens) if (token.kind === 'option' && names.includes(token.name)) given.add(token.name);
  return given;
}
