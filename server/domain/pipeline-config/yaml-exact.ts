// The exact reader: the yaml package's parseDocument, which knows every corner of
// YAML and words its syntax errors well, but takes tens of milliseconds for a large
// config. readYaml uses it for whatever the fast reader (yaml-fast.ts) passes on:
// broken YAML, tags, directives and other rarities.
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair, type Scalar } from 'yaml';
import type { Issues } from './issues';
import type { RawDocument, RawNode, RawPair, RawScalar } from './yaml-raw';
import { hasNewline } from './yaml-text';

/** At most this many YAML syntax errors are reported; the rest are usually echoes. */
const MAX_SYNTAX_ERRORS = 10;

/** The raw tree of `text`, or undefined when the YAML is broken (the syntax errors are in `issues`). */
export function readExact(text: string, issues: Issues): RawDocument | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, merge: true, uniqueKeys: false, prettyErrors: false });
  const at = (offset: number) => {
    const p = lines.linePos(offset);
    return { line: p.line, column: p.col };
  };
  for (const e of doc.errors.slice(0, MAX_SYNTAX_ERRORS)) issues.error(at(e.pos[0]), `YAML syntax: ${e.message}`);
  if (doc.errors.length > 0) return undefined;
  for (const w of doc.warnings) issues.warning(at(w.pos[0]), `YAML: ${w.message}`);
  return { root: doc.contents === null ? null : toRaw(text, doc.contents as Node), at };
}

type Task = { node: unknown; put: (raw: RawNode | null) => void };

/**
 * Walks the document in order, without recursion (its nesting has no limit here),
 * so each alias finds the last node anchored with its name before it.
 */
function toRaw(text: string, root: Node): RawNode | null {
  const anchors = new Map<string, RawNode>();
  let out: RawNode | null = null;
  const stack: Task[] = [{ node: root, put: (raw) => (out = raw) }];
  for (let task = stack.pop(); task; task = stack.pop()) {
    const n = task.node;
    const start = startOf(n);
    if (isAlias(n)) {
      task.put({ kind: 'alias', start, name: n.source, target: anchors.get(n.source) });
      continue;
    }
    let raw: RawNode | null = null;
    const children: Task[] = [];
    if (isMap(n)) {
      const pairs: RawPair[] = n.items.map(() => ({ key: null, value: null }));
      (n.items as Pair[]).forEach((p, i) => {
        const pair = pairs[i] as { key: RawNode | null; value: RawNode | null };
        children.push({ node: p.key, put: (r) => (pair.key = r) }, { node: p.value, put: (r) => (pair.value = r) });
      });
      raw = { kind: 'map', start, pairs };
    } else if (isSeq(n)) {
      const items: (RawNode | null)[] = n.items.map(() => null);
      n.items.forEach((item, i) => children.push({ node: item, put: (r) => (items[i] = r) }));
      raw = { kind: 'seq', start, items };
    } else if (isScalar(n)) {
      raw = scalar(text, n, start);
    }
    if (raw && (n as Node).anchor) anchors.set((n as Node).anchor!, raw);
    task.put(raw);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return out;
}

function startOf(n: unknown): number {
  const range = (n as { range?: readonly number[] } | null)?.range;
  // An empty value (`key:` with nothing after it) has an empty range.
  if (!range || range[0] === undefined || range[0] === range[1]) return -1;
  return range[0];
}

function scalar(text: string, n: Scalar, start: number): RawScalar {
  const { value, source, type, range } = n;
  // A merge key's value is a symbol; only an alias to an anchored `<<` key reads it as a value.
  const v =
    typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null
      ? value
      : typeof value === 'symbol'
        ? (value.description ?? '')
        : String(value);
  const written = v === null ? '' : type === 'PLAIN' && source !== undefined ? source : String(v);
  const out = { kind: 'scalar', start, value: v, text: written } as const;
  const merge = typeof value === 'symbol' ? ({ merge: true } as const) : {};
  if (!range || range[0] === undefined || range[1] === undefined) return { ...out, ...merge };
  // Character i of the value sits at column + i only on one line and without
  // escapes; escapes and folding always make the value shorter than its source.
  const length = range[1] - range[0];
  let inner: 0 | 1 | undefined;
  if (!hasNewline(text, range[0], range[1])) {
    if (type === 'PLAIN' && length === written.length) inner = 0;
    if ((type === 'QUOTE_DOUBLE' || type === 'QUOTE_SINGLE') && length === written.length + 2) inner = 1;
  }
  return inner === undefined ? { ...out, ...merge } : { ...out, ...merge, inner };
}
