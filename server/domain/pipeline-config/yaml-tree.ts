// Reads YAML text into a small positioned tree: maps, lists and scalars, each with
// the line and column it came from. Aliases are expanded and `<<` merge keys
// applied here, so the readers never see either; a budget on expanded values stops
// alias bombs, a depth limit stops pathological nesting.
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
  type Alias,
  type Document,
  type Node,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { type Issues, joinPath, type Pos, START } from './issues';
import { LIMITS } from './model';

export type YScalar = {
  kind: 'scalar';
  value: string | number | boolean | null;
  /** The text a person wrote: plain scalars verbatim (`1.10` stays `1.10`), quoted ones unquoted. */
  text: string;
  pos: Pos;
  /** Where the value's first character is, when character i of `text` sits at column + i. */
  inner?: Pos;
  /** Stands in for a value that already has an error (a bad alias); readers stay quiet about it. */
  broken?: true;
};
export type YEntry = { key: string; keyPos: Pos; value: YNode };
export type YMap = { kind: 'map'; entries: YEntry[]; pos: Pos };
export type YSeq = { kind: 'seq'; items: YNode[]; pos: Pos };
export type YNode = YScalar | YMap | YSeq;

/** At most this many YAML syntax errors are reported; the rest are usually echoes. */
const MAX_SYNTAX_ERRORS = 10;

/**
 * Parses `text`; returns the root node, or undefined when the YAML itself is
 * broken (the syntax errors are in `issues`). An empty document is a null scalar.
 */
export function readYaml(text: string, issues: Issues): YNode | undefined {
  if (text.length > LIMITS.textBytes) {
    issues.error(START, `The config is ${text.length} characters long; the limit is ${LIMITS.textBytes}.`);
    return undefined;
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, merge: true, uniqueKeys: false, prettyErrors: false });
  const at = (offset: number): Pos => {
    const p = lines.linePos(offset);
    return { line: p.line, column: p.col };
  };
  for (const e of doc.errors.slice(0, MAX_SYNTAX_ERRORS)) issues.error(at(e.pos[0]), `YAML syntax: ${e.message}`);
  if (doc.errors.length > 0) return undefined;
  for (const w of doc.warnings) issues.warning(at(w.pos[0]), `YAML: ${w.message}`);
  const converter = new Converter(text, at, () => aliasTargets(doc), issues);
  if (doc.contents === null) return { kind: 'scalar', value: null, text: '', pos: START };
  return converter.convert(doc.contents as Node);
}

/** The anchored node each alias refers to: the last one with its name before it. */
function aliasTargets(doc: Document): Map<Alias, Node> {
  const anchors = new Map<string, Node>();
  const targets = new Map<Alias, Node>();
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) {
        const target = anchors.get(node.source);
        if (target) targets.set(node, target);
      } else if (node.anchor) {
        anchors.set(node.anchor, node);
      }
    },
  });
  return targets;
}

class Aborted extends Error {}

class Converter {
  private count = 0;
  /** Collections being converted: an alias to one of them would recurse forever. */
  private readonly active = new Set<Node>();
  /** The outermost alias being expanded: where an alias bomb is reported. */
  private outerAlias: Pos | undefined;
  private targets: Map<Alias, Node> | undefined;

  constructor(
    private readonly text: string,
    private readonly at: (offset: number) => Pos,
    /** Called on the first alias only: most configs have none and skip the walk. */
    private readonly findTargets: () => Map<Alias, Node>,
    private readonly issues: Issues,
  ) {}

  convert(root: Node): YNode | undefined {
    try {
      return this.node(root, '', 0, START);
    } catch (e) {
      if (e instanceof Aborted) return undefined;
      throw e;
    }
  }

  private node(n: unknown, path: string, depth: number, fallback: Pos): YNode {
    const pos = this.posOf(n, fallback);
    this.count += 1;
    if (this.count > LIMITS.nodes)
      this.abort(
        this.outerAlias ?? pos,
        `The config has more than ${LIMITS.nodes} values once aliases are expanded; an alias may not repeat a large anchor this many times.`,
      );
    if (depth > LIMITS.depth) this.abort(pos, `The config is nested more than ${LIMITS.depth} levels deep.`);
    if (isAlias(n)) return this.alias(n, path, depth, pos);
    if (isMap(n) || isSeq(n)) {
      this.active.add(n);
      const out = isMap(n) ? this.map(n, path, depth, pos) : this.seq(n, path, depth, pos);
      this.active.delete(n);
      return out;
    }
    if (isScalar(n)) return this.scalar(n.value, n.source, n.type, n.range, pos);
    return { kind: 'scalar', value: null, text: '', pos };
  }

  private alias(n: Alias, path: string, depth: number, pos: Pos): YNode {
    this.targets ??= this.findTargets();
    const target = this.targets.get(n);
    if (!target)
      return this.broken(
        pos,
        `${label(path)}: unknown alias *${n.source}; define the anchor &${n.source} before using it.`,
      );
    if (this.active.has(target))
      return this.broken(pos, `${label(path)}: alias *${n.source} refers to a value that contains it.`);
    const outer = this.outerAlias === undefined;
    if (outer) this.outerAlias = pos;
    const out = this.node(target, path, depth, pos);
    if (outer) this.outerAlias = undefined;
    return out;
  }

  private seq(n: YAMLSeq, path: string, depth: number, pos: Pos): YSeq {
    const items = n.items.map((item, i) => this.node(item, joinPath(path, i), depth + 1, pos));
    return { kind: 'seq', items, pos };
  }

  private map(n: YAMLMap, path: string, depth: number, pos: Pos): YMap {
    // Explicit keys win over merged ones wherever the `<<` sits; among merged maps the first wins.
    const explicitNames = n.items.some((p) => isMergeKey(p.key))
      ? new Set(n.items.map((p) => (isMergeKey(p.key) ? undefined : keyName(p.key))))
      : undefined;
    const explicit = new Map<string, Pos>();
    const merged = new Set<string>();
    const entries: YEntry[] = [];
    for (const pair of n.items) {
      if (isMergeKey(pair.key)) {
        for (const e of this.mergeSources(pair.value, path, depth, pos)) {
          if (explicitNames?.has(e.key) || merged.has(e.key)) continue;
          merged.add(e.key);
          entries.push(e);
        }
        continue;
      }
      const key = this.key(pair.key, path, pos);
      if (key === undefined) continue;
      const first = explicit.get(key.name);
      if (first) {
        this.issues.error(key.pos, duplicateMessage(path, key.name, first));
        continue;
      }
      explicit.set(key.name, key.pos);
      const value = isTemplate(path, key.name)
        ? template(key.pos)
        : this.node(pair.value, joinPath(path, key.name), depth + 1, key.pos);
      entries.push({ key: key.name, keyPos: key.pos, value });
    }
    return { kind: 'map', entries, pos };
  }

  private mergeSources(value: unknown, path: string, depth: number, pos: Pos): YEntry[] {
    const source = this.node(value, path, depth + 1, pos);
    const maps = source.kind === 'seq' ? source.items : [source];
    const out: YEntry[] = [];
    for (const m of maps) {
      if (m.kind === 'map') out.push(...m.entries);
      else if (!(m.kind === 'scalar' && m.broken))
        this.issues.error(m.pos, `${label(path)}: a << merge takes a map or a list of maps, e.g. <<: *defaults.`);
    }
    return out;
  }

  private key(k: unknown, path: string, fallback: Pos): { name: string; pos: Pos } | undefined {
    const pos = this.posOf(k, fallback);
    const name = keyName(k);
    if (name !== undefined) return { name, pos };
    this.issues.error(pos, `${label(path)}: keys must be plain text.`);
    return undefined;
  }

  private scalar(
    value: unknown,
    source: string | undefined,
    type: string | undefined,
    range: readonly number[] | null | undefined,
    pos: Pos,
  ): YScalar {
    const v =
      typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null
        ? value
        : String(value);
    const text = v === null ? '' : type === 'PLAIN' && source !== undefined ? source : String(v);
    const out: YScalar = { kind: 'scalar', value: v, text, pos };
    if (!range || range[0] === undefined || range[1] === undefined) return out;
    // Character i of the value sits at column + i only on one line and without
    // escapes; escapes and folding always make the value shorter than its source.
    const newline = this.text.indexOf('\n', range[0]);
    if (newline !== -1 && newline < range[1]) return out;
    const length = range[1] - range[0];
    if (type === 'PLAIN' && length === text.length) out.inner = pos;
    if ((type === 'QUOTE_DOUBLE' || type === 'QUOTE_SINGLE') && length === text.length + 2)
      out.inner = { line: pos.line, column: pos.column + 1 };
    return out;
  }

  private posOf(n: unknown, fallback: Pos): Pos {
    const range = (n as { range?: readonly number[] } | null)?.range;
    // An empty value (`key:` with nothing after it) has an empty range: point at the key.
    if (!range || range[0] === undefined || range[0] === range[1]) return fallback;
    return this.at(range[0]);
  }

  private broken(pos: Pos, message: string): YScalar {
    this.issues.error(pos, message);
    return { kind: 'scalar', value: null, text: '', pos, broken: true };
  }

  private abort(pos: Pos, message: string): never {
    this.issues.error(pos, message);
    throw new Aborted();
  }
}

/**
 * Top-level keys and jobs whose name starts with '.' hold anchors for others to
 * use: only what an alias brings in is read, so a template is never expanded or
 * checked on its own.
 */
function isTemplate(path: string, key: string): boolean {
  return (path === '' || path === 'jobs') && key.startsWith('.');
}

function template(pos: Pos): YScalar {
  return { kind: 'scalar', value: null, text: '', pos, broken: true };
}

function isMergeKey(k: unknown): boolean {
  return isScalar(k) && typeof k.value === 'symbol';
}

/** Keys are text: plain scalars as written (`1.10`, `on`), quoted ones unquoted. */
function keyName(k: unknown): string | undefined {
  if (!isScalar(k) || k.value === null || typeof k.value === 'object') return undefined;
  return k.type === 'PLAIN' && k.source !== undefined ? k.source : String(k.value);
}

function duplicateMessage(path: string, key: string, first: Pos): string {
  if (path === 'jobs')
    return `jobs: job '${key}' is defined twice (first on line ${first.line}); job names must be unique.`;
  return `${label(path)}: key '${key}' appears twice (first on line ${first.line}).`;
}

function label(path: string): string {
  return path === '' ? 'config' : path;
}
