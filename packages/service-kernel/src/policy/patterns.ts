/**
 * @module
 * Wildcard matching as IAM does it: `*` matches any run of characters (also none), `?` exactly one
 * (IAM User Guide, "Action", "Resource" and the `StringLike` / `ArnLike` condition operators).
 * Patterns are compiled once into the cheapest test that decides them: a set of exact strings,
 * a prefix, or a regular expression.
 */

/** A compiled set of patterns. */
export interface Matcher {
  /** Whether `value` matches one of the patterns. */
  matches(value: string): boolean;
}

/** Matches everything (`"*"`). */
export const MATCH_ALL: Matcher = Object.freeze({ matches: () => true });
/** Matches nothing (an empty pattern list). */
export const MATCH_NONE: Matcher = Object.freeze({ matches: () => false });

/**
 * Compiles wildcard patterns into one matcher.
 * @param ignoreCase - compare case-insensitively (actions are; resources and strings are not).
 * @example compilePatterns(['kms:Describe*', 'kms:Encrypt'], true).matches('kms:describekey') // true
 */
export function compilePatterns(patterns: readonly string[], ignoreCase: boolean): Matcher {
  if (patterns.length === 0) return MATCH_NONE;
  if (patterns.includes('*')) return MATCH_ALL;
  const exact = new Set<string>();
  const prefixes: string[] = [];
  const expressions: RegExp[] = [];
  for (const raw of patterns) {
    const pattern = ignoreCase ? raw.toLowerCase() : raw;
    const star = pattern.indexOf('*');
    if (star === -1 && !pattern.includes('?')) exact.add(pattern);
    else if (star === pattern.length - 1 && !pattern.includes('?')) prefixes.push(pattern.slice(0, -1));
    else expressions.push(globToRegExp(pattern));
  }
  return {
    matches(value: string): boolean {
      const candidate = ignoreCase ? value.toLowerCase() : value;
      if (exact.has(candidate)) return true;
      for (const prefix of prefixes) if (candidate.startsWith(prefix)) return true;
      for (const expression of expressions) if (expression.test(candidate)) return true;
      return false;
    },
  };
}

/**
 * One wildcard pattern as an anchored regular expression.
 * @example globToRegExp('a*b?').test('axxbc') // true
 */
export function globToRegExp(pattern: string, ignoreCase = false): RegExp {
  let source = '';
  for (const char of pattern) {
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else source += char.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, ignoreCase ? 'si' : 's');
}

/**
 * Compiles an ARN pattern into a test, component by component as `ArnLike` does: pattern and
 * value split into six `:`-separated parts (the last may itself contain `:`), each part matched
 * as a wildcard pattern. A value that is not an ARN never matches.
 * @example compileArnPattern('arn:aws:iam::*:role/*')('arn:aws:iam::111122223333:role/admin') // true
 */
export function compileArnPattern(pattern: string): (value: string) => boolean {
  const want = splitArn(pattern);
  if (want === undefined) return pattern === '*' ? () => true : (value) => value === pattern;
  const parts = want.map((part) => (part.includes('*') || part.includes('?') ? globToRegExp(part) : part));
  return (value) => {
    const got = splitArn(value);
    if (got === undefined) return false;
    for (let i = 0; i < 6; i++) {
      const part = parts[i]!;
      if (typeof part === 'string' ? part !== got[i] : !part.test(got[i]!)) return false;
    }
    return true;
  };
}

function splitArn(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}
