// Reads YAML text into a small positioned tree: maps, lists and scalars, each with
// the line and column it came from. Aliases are expanded and `<<` merge keys
// applied here, so the readers never see either; a budget on expanded values stops
// alias bombs, a depth limit stops pathological nesting.
//
// Two readers find the YAML's raw tree: the fast one (js-yaml) for the configs
// people write, the exact one (the yaml package) for the rest, above all broken
// YAML, whose syntax errors it words best. They give the same tree for the same
// text; this file cannot tell which one ran.
import { type Issues, joinPath, type Pos, START } from './issues';
import { LIMITS } from './model';
import { readExact } from './yaml-exact';
import { readFast } from './yaml-fast';
import type { RawAlias, RawMap, RawNode, RawScalar, RawSeq } from './yaml-raw';

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

/**
 * Parses `text`; returns the root node, or undefined when the YAML itself is
 * broken (the syntax errors are in `issues`). An empty document is a null scalar.
 */
export function readYaml(text: string, issues: Issues): YNode | undefined {
  if (text.length > LIMITS.textBytes) {
    issues.error(START, `The config is ${text.length} characters long; the limit is ${LIMITS.textBytes}.`);
    return undefined;
  }
  const doc = readFast(text) ?? readExact(text, issues);
  if (!doc) return undefined;
  if (doc.root === null) return { kind: 'scalar', value: null, text: '', pos: START };
  return new Converter(doc.at, issues).convert(doc.root);
}

class Aborted extends Error {}

class Converter {
  private count = 0;
  /** Collections being converted: an alias to one of them would recurse forever. */
  private readonly active = new Set<RawNode>();
  /** The outermost alias being expanded: where an alias bomb is reported. */
  private outerAlias: Pos | undefined;

  constructor(
    private readonly at: (offset: number) => Pos,
    private readonly issues: Issues,
  ) {}

  convert(root: RawNode): YNode | undefined {
    try {
      return this.node(root, '', 0, START);
    } catch (e) {
      if (e instanceof Aborted) return undefined;
      throw e;
    }
  }

  private node(n: RawNode | null, path: string, depth: number, fallback: Pos): YNode {
    const pos = this.posOf(n, fallback);
    this.count += 1;
    if (this.count > LIMITS.nodes)
      this.abort(
        this.outerAlias ?? pos,
        `The config has more than ${LIMITS.nodes} values once aliases are expanded; an alias may not repeat a large anchor this many times.`,
      );
    if (depth > LIMITS.depth) this.abort(pos, `The config is nested more than ${LIMITS.depth} levels deep.`);
    if (n === null) return { kind: 'scalar', value: null, text: '', pos };
    switch (n.kind) {
      case 'alias':
        return this.alias(n, path, depth, pos);
      case 'scalar':
        return scalar(n, pos);
      case 'map':
      case 'seq': {
        this.active.add(n);
        const out = n.kind === 'map' ? this.map(n, path, depth, pos) : this.seq(n, path, depth, pos);
        this.active.delete(n);
        return out;
      }
    }
  }

  private alias(n: RawAlias, path: string, depth: number, pos: Pos): YNode {
    const target = n.target;
    if (!target)
      return this.broken(
        pos,
        `${label(path)}: unknown alias *${n.name}; define the anchor &${n.name} before using it.`,
      );
    if (this.active.has(target))
      return this.broken(pos, `${label(path)}: alias *${n.name} refers to a value that contains it.`);
    const outer = this.outerAlias === undefined;
    if (outer) this.outerAlias = pos;
    const out = this.node(target, path, depth, pos);
    if (outer) this.outerAlias = undefined;
    return out;
  }

  private seq(n: RawSeq, path: string, depth: number, pos: Pos): YSeq {
    const items = n.items.map((item, i) => this.node(item, joinPath(path, i), depth + 1, pos));
    return { kind: 'seq', items, pos };
  }

  private map(n: RawMap, path: string, depth: number, pos: Pos): YMap {
    // Explicit keys win over merged ones wherever the `<<` sits; among merged maps the first wins.
    const explicitNames = n.pairs.some((p) => isMergeKey(p.key))
      ? new Set(n.pairs.map((p) => (isMergeKey(p.key) ? undefined : keyName(p.key))))
      : undefined;
    const explicit = new Map<string, Pos>();
    const merged = new Set<string>();
    const entries: YEntry[] = [];
    for (const pair of n.pairs) {
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

  private mergeSources(value: RawNode | null, path: string, depth: number, pos: Pos): YEntry[] {
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

  private key(k: RawNode | null, path: string, fallback: Pos): { name: string; pos: Pos } | undefined {
    const pos = this.posOf(k, fallback);
    const name = keyName(k);
    if (name !== undefined) return { name, pos };
    this.issues.error(pos, `${label(path)}: keys must be plain text.`);
    return undefined;
  }

  private posOf(n: RawNode | null, fallback: Pos): Pos {
    // An empty value (`key:` with nothing after it) has no position: point at the key.
    return n === null || n.start === -1 ? fallback : this.at(n.start);
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

function scalar(n: RawScalar, pos: Pos): YScalar {
  const out: YScalar = { kind: 'scalar', value: n.value, text: n.text, pos };
  if (n.inner === 0) out.inner = pos;
  else if (n.inner === 1) out.inner = { line: pos.line, column: pos.column + 1 };
  return out;
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

function isMergeKey(k: RawNode | null): boolean {
  return k?.kind === 'scalar' && k.merge === true;
}

/** Keys are text: plain scalars as written (`1.10`, `on`), quoted ones unquoted. */
function keyName(k: RawNode | null): string | undefined {
  return k?.kind === 'scalar' && k.value !== null ? k.text : undefined;
}

function duplicateMessage(path: string, key: string, first: Pos): string {
  if (path === 'jobs')
    return `jobs: job '${key}' is defined twice (first on line ${first.line}); job names must be unique.`;
  return `${label(path)}: key '${key}' appears twice (first on line ${first.line}).`;
}

function label(path: string): string {
  return path === '' ? 'config' : path;
}
