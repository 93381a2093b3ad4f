/**
 * @module
 * Policy variables (IAM User Guide, "IAM policy elements: Variables and tags"): in a policy whose
 * `Version` is `2012-10-17`, `${key}` in a `Resource` / `NotResource` entry or in a Condition
 * value is replaced, per request, by the value of that condition key (`${aws:username}`,
 * `${aws:PrincipalTag/team}`, `${s3:prefix}`, ...). Rules this module owns:
 *
 * - `${key, 'default'}` gives a value for a key the request does not have;
 * - `${*}`, `${?}` and `${$}` stand for the characters themselves, never wildcards (the way to
 *   write a literal `*` where a wildcard would be read);
 * - a substituted value is matched literally: its own `*` or `?` are not wildcards;
 * - a key the request does not have (or has several values for), without a default, leaves the
 *   entry unresolved: it matches no request (and a negated condition operator is then true, as
 *   for any value that does not match);
 * - in a policy of another Version, `${...}` is plain text.
 *
 * Key names are case-insensitive, as condition keys are.
 */

import type { ConditionLookup } from './conditions.ts';

/** One piece of a template: policy text (wildcards apply), or characters matched literally. */
export type ResolvedPart = { readonly pattern: string } | { readonly literal: string };

type TemplatePart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'variable'; readonly key: string; readonly fallback: string | undefined };

/** A parsed template: its parts, resolved per request. */
export interface Template {
  /** The parts with variables replaced by the request's values; `undefined` when one has none. */
  resolve(lookup: ConditionLookup): readonly ResolvedPart[] | undefined;
}

const VARIABLE = /\$\{([^}]*)\}/g;
const SPECIAL: ReadonlySet<string> = new Set(['*', '?', '$']);

/**
 * The template of a policy string, or `undefined` when it holds no variable (match it as is).
 * @example parseTemplate('arn:aws:s3:::b/home/${aws:username}/*')?.resolve((k) => (k === 'aws:username' ? ['alice'] : undefined))
 * // [{ pattern: 'arn:aws:s3:::b/home/' }, { literal: 'alice' }, { pattern: '/*' }]
 */
export function parseTemplate(text: string): Template | undefined {
  if (!text.includes('${')) return undefined;
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const match of text.matchAll(VARIABLE)) {
    const body = (match[1] ?? '').trim();
    const variable = parseVariable(body);
    if (variable === undefined) continue;
    if (match.index > last) parts.push({ kind: 'text', text: text.slice(last, match.index) });
    parts.push(variable);
    last = match.index + match[0].length;
  }
  if (parts.length === 0) return undefined;
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) });
  return { resolve: (lookup) => resolveParts(parts, lookup) };
}

function parseVariable(body: string): TemplatePart | undefined {
  if (SPECIAL.has(body)) return { kind: 'literal', text: body };
  const withDefault = /^([^,\s]+)\s*,\s*'([^']*)'$/.exec(body);
  const key = withDefault?.[1] ?? body;
  if (!/^[A-Za-z0-9-]+:[^\s,]+$/.test(key)) return undefined;
  return { kind: 'variable', key: key.toLowerCase(), fallback: withDefault?.[2] };
}

function resolveParts(parts: readonly TemplatePart[], lookup: ConditionLookup): readonly ResolvedPart[] | undefined {
  const resolved: ResolvedPart[] = [];
  for (const part of parts) {
    if (part.kind === 'text') resolved.push({ pattern: part.text });
    else if (part.kind === 'literal') resolved.push({ literal: part.text });
    else {
      const values = lookup(part.key);
      const value = values?.length === 1 ? values[0] : part.fallback;
      if (value === undefined) return undefined;
      resolved.push({ literal: value });
    }
  }
  return resolved;
}

/**
 * The resolved parts as one anchored expression: policy text with IAM's wildcards, the rest
 * matched literally.
 * @example resolvedToRegExp([{ pattern: 'home/' }, { literal: 'a*b' }, { pattern: '/*' }]).test('home/a*b/x') // true
 */
export function resolvedToRegExp(parts: readonly ResolvedPart[], ignoreCase = false): RegExp {
  let source = '';
  for (const part of parts) {
    if ('literal' in part) source += escapeRegExp(part.literal);
    else for (const char of part.pattern) source += char === '*' ? '.*' : char === '?' ? '.' : escapeRegExp(char);
  }
  return new RegExp(`^${source}$`, ignoreCase ? 'si' : 's');
}

/**
 * The resolved parts as plain text (for operators without wildcards).
 * @example resolvedToText([{ pattern: 'team-' }, { literal: 'red' }]) // 'team-red'
 */
export function resolvedToText(parts: readonly ResolvedPart[]): string {
  return parts.map((part) => ('literal' in part ? part.literal : part.pattern)).join('');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
