// The YAML as written, before aliases are expanded and merges applied: what the two
// readers (yaml-fast.ts, yaml-exact.ts) produce and yaml-tree.ts turns into the
// positioned tree. Both readers must give the same raw tree for the same text;
// yaml-fast.test.ts holds them to it.
import type { Pos } from './issues';

/** Offset of a node's first character (after its anchor), or -1 for an empty value: it takes its parent's position. */
type Start = { readonly start: number };

export type RawScalar = Start & {
  readonly kind: 'scalar';
  /** Resolved by the YAML 1.2 core schema: plain `1.10` is a number, quoted `"1.10"` text. */
  readonly value: string | number | boolean | null;
  /** The text a person wrote: plain scalars verbatim, quoted ones unquoted; '' for null. */
  readonly text: string;
  /**
   * Set when character i of `text` sits i columns after the first character of
   * the value: 0 when that is `start` (plain), 1 when a quote comes first.
   */
  readonly inner?: 0 | 1;
  /** A plain `<<`: as a key, a merge. */
  readonly merge?: true;
};
export type RawPair = { readonly key: RawNode | null; readonly value: RawNode | null };
export type RawMap = Start & { readonly kind: 'map'; readonly pairs: readonly RawPair[] };
export type RawSeq = Start & { readonly kind: 'seq'; readonly items: readonly (RawNode | null)[] };
export type RawAlias = Start & {
  readonly kind: 'alias';
  readonly name: string;
  /** The last node anchored with `name` before the alias; undefined when there is none. */
  readonly target: RawNode | undefined;
};
export type RawNode = RawScalar | RawMap | RawSeq | RawAlias;

export type RawDocument = {
  /** null for a document without content. */
  root: RawNode | null;
  /** 1-based line and column of an offset. */
  at: (offset: number) => Pos;
};

// The YAML 1.2 core schema, as the yaml package resolves plain scalars.
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/** The value of a plain (unquoted, untagged) scalar. */
export function resolvePlain(s: string): string | number | boolean | null {
  // Only these characters start a null, a boolean or a number: other text skips the tests.
  if (s.length > 0 && !'~nNtTfF+-.0123456789'.includes(s[0]!)) return s;
  if (NULL.test(s)) return null;
  if (BOOL.test(s)) return s[0] === 't' || s[0] === 'T';
  if (INT_OCT.test(s)) return parseInt(s.substring(2), 8);
  if (INT.test(s)) return parseInt(s, 10);
  if (INT_HEX.test(s)) return parseInt(s.substring(2), 16);
  if (FLOAT_NAN.test(s)) return s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? -Infinity : Infinity;
  if (FLOAT_EXP.test(s) || FLOAT.test(s)) return parseFloat(s);
  return s;
}
