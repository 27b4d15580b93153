// Typed readers over the positioned tree. Each reports what is wrong at the node's
// position, prefixed by the key's path, and returns undefined so the caller can go
// on and find the next problem.
import { parseDuration } from './duration';
import { type Issues, joinPath, type Pos } from './issues';
import { closest, didYouMean, listOf } from './suggest';
import type { YEntry, YMap, YNode } from './yaml-tree';

export type Located<T> = { value: T; pos: Pos };

/** Job, stage, pool, artifact and environment names: safe in URLs and storage keys. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function label(path: string): string {
  return path === '' ? 'config' : path;
}

export function describe(node: YNode): string {
  if (node.kind === 'map') return 'a map';
  if (node.kind === 'seq') return 'a list';
  if (node.value === null) return 'nothing';
  if (typeof node.value === 'boolean') return `the boolean ${node.text}`;
  if (typeof node.value === 'number') return `the number ${node.text}`;
  const text = node.text.length > 40 ? `${node.text.slice(0, 40)}…` : node.text;
  return `the text '${text}'`;
}

export function typeError(node: YNode, path: string, expected: string, issues: Issues, hint = ''): undefined {
  if (node.kind === 'scalar' && node.broken) return undefined;
  issues.error(node.pos, `${label(path)}: expected ${expected}, got ${describe(node)}.${hint}`);
  return undefined;
}

export function asMap(node: YNode, path: string, issues: Issues): YMap | undefined {
  return node.kind === 'map' ? node : typeError(node, path, 'a map of key: value', issues);
}

export function entry(map: YMap, key: string): YEntry | undefined {
  return map.entries.find((e) => e.key === key);
}

/** Reports every key of `map` not in `allowed`, with the closest allowed key. */
export function checkKeys(
  map: YMap,
  allowed: readonly string[],
  path: string,
  issues: Issues,
  hint?: (e: YEntry) => string | undefined,
): void {
  for (const e of map.entries) {
    if (allowed.includes(e.key)) continue;
    const extra = hint?.(e) ?? (didYouMean(e.key, allowed) || ` Allowed keys: ${allowed.join(', ')}.`);
    issues.error(e.keyPos, `${label(path)}: unknown key '${e.key}'.${extra}`);
  }
}

/**
 * Whether `map` has an unknown key that looks like a typo of `key`: then the
 * unknown-key error already says what to fix, and "missing key" would only echo it.
 */
export function misspelled(map: YMap, key: string, allowed: readonly string[]): boolean {
  return map.entries.some((e) => !allowed.includes(e.key) && closest(e.key, allowed) === key);
}

/** Text, taken as written: `1.10` stays `1.10`, `true` is `true`. */
export function asString(node: YNode, path: string, issues: Issues): string | undefined {
  if (node.kind !== 'scalar' || node.value === null) {
    const hint = node.kind === 'map' ? " Text that contains ': ' must be quoted." : '';
    return typeError(node, path, 'text', issues, hint);
  }
  if (node.text.trim() === '') {
    issues.error(node.pos, `${label(path)}: must not be empty.`);
    return undefined;
  }
  return node.text;
}

export function asName(node: YNode, path: string, issues: Issues, what: string): string | undefined {
  const s = asString(node, path, issues);
  if (s === undefined || NAME.test(s)) return s;
  issues.error(
    node.pos,
    `${label(path)}: '${s}' is not a valid ${what} name; use letters, digits, '.', '_' or '-' (starting with a letter or digit, at most 100).`,
  );
  return undefined;
}

export function asBool(node: YNode, path: string, issues: Issues): boolean | undefined {
  if (node.kind === 'scalar' && typeof node.value === 'boolean') return node.value;
  return typeError(node, path, 'true or false', issues);
}

export function asNumber(node: YNode, path: string, issues: Issues): number | undefined {
  if (node.kind === 'scalar' && typeof node.value === 'number' && Number.isFinite(node.value)) return node.value;
  return typeError(node, path, 'a number', issues);
}

export function asInt(node: YNode, path: string, issues: Issues, min: number, max: number): number | undefined {
  const n = asNumber(node, path, issues);
  if (n === undefined) return undefined;
  if (Number.isInteger(n) && n >= min && n <= max) return n;
  issues.error(
    node.pos,
    `${label(path)}: must be a whole number from ${min} to ${max}, got ${node.kind === 'scalar' ? node.text : n}.`,
  );
  return undefined;
}

export function asEnum<T extends string>(
  node: YNode,
  path: string,
  issues: Issues,
  values: readonly T[],
): T | undefined {
  const s = asString(node, path, issues);
  if (s === undefined) return undefined;
  if ((values as readonly string[]).includes(s)) return s as T;
  issues.error(node.pos, `${label(path)}: unknown value '${s}'; use ${listOf(values)}.${didYouMean(s, values)}`);
  return undefined;
}

/** A list of text, or (when `single`) one text standing for a list of one. */
export function asStringList(
  node: YNode,
  path: string,
  issues: Issues,
  single: boolean,
): Located<string>[] | undefined {
  if (single && node.kind === 'scalar' && node.value !== null) {
    const s = asString(node, path, issues);
    return s === undefined ? undefined : [{ value: s, pos: node.pos }];
  }
  if (node.kind !== 'seq') return typeError(node, path, single ? 'text or a list of text' : 'a list', issues);
  const out: Located<string>[] = [];
  let ok = true;
  node.items.forEach((item, i) => {
    const s = asString(item, joinPath(path, i), issues);
    if (s === undefined) ok = false;
    else out.push({ value: s, pos: item.pos });
  });
  return ok ? out : undefined;
}

/** Seconds of a positive duration. */
export function asDuration(node: YNode, path: string, issues: Issues): number | undefined {
  if (node.kind === 'scalar' && typeof node.value === 'number') {
    issues.error(node.pos, `${label(path)}: '${node.text}' has no unit; write e.g. ${node.text}s or ${node.text}m.`);
    return undefined;
  }
  const s = asString(node, path, issues);
  if (s === undefined) return undefined;
  const seconds = parseDuration(s);
  if (seconds === undefined) {
    issues.error(node.pos, `${label(path)}: '${s}' is not a duration; write e.g. 90s, 10m, 1h30m or 7d.`);
    return undefined;
  }
  if (seconds === 0) {
    issues.error(node.pos, `${label(path)}: must be longer than 0s.`);
    return undefined;
  }
  return seconds;
}

/** Environment variables: names like a shell's, values taken as written. */
export function asVariables(node: YNode, path: string, issues: Issues): Record<string, string> | undefined {
  const map = asMap(node, path, issues);
  if (!map) return undefined;
  // Pairs, then fromEntries: a variable named __proto__ stays a plain own property.
  const out: [string, string][] = [];
  for (const e of map.entries) {
    const p = joinPath(path, e.key);
    if (!VARIABLE_NAME.test(e.key)) {
      issues.error(
        e.keyPos,
        `${p}: '${e.key}' is not a valid variable name; use letters, digits and '_', not starting with a digit.`,
      );
    } else if (e.value.kind === 'scalar' && e.value.value === null && !e.value.broken) {
      issues.warning(e.keyPos, `${p}: has no value; it is set to the empty string (write ${e.key}: "" to say so).`);
      out.push([e.key, '']);
    } else if (e.value.kind !== 'scalar') {
      typeError(e.value, p, 'text', issues);
    } else {
      out.push([e.key, e.value.text]);
    }
  }
  return Object.fromEntries(out);
}
