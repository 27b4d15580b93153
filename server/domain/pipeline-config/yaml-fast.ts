// The fast reader: js-yaml's loader, about twenty times quicker than the yaml
// package on a large config, with the raw tree rebuilt from its listener. It
// reads only what it is sure to read exactly as yaml-exact.ts would; for anything
// else (broken YAML, duplicate keys, tags, directives, tabs, a js-yaml warning...)
// it returns undefined and readYaml asks the exact reader.
//
// How: js-yaml calls the listener when it opens and closes each node, with its
// state. At close the listener makes our node from js-yaml's value and the nodes
// closed inside it: the children of a map are its keys and values in turn. The
// failsafe schema leaves every scalar text; plain ones are resolved here by the
// core schema, as the yaml package does. js-yaml's own value serves to check that
// the children are what they seem; where they might not be, it gives up.
import { FAILSAFE_SCHEMA, load, type State } from 'js-yaml';
import { type RawDocument, type RawNode, type RawPair, resolvePlain } from './yaml-raw';
import {
  anchorStart,
  contentStart,
  hasNewline,
  lineIndex,
  plainBlockScalar,
  shallowCommentAbove,
  strayComment,
} from './yaml-text';

/** What the listener reads of js-yaml's loader state: the documented fields and two internals. */
type LoaderState = State & { tag: string | null; anchor: string | null };

/** Texts with any of these go to the exact reader: the two libraries treat them differently. */
const RARE = /[\t\uFEFF]|\r(?!\n)|^(?:%|\.\.\.|---(?:[^ \r\n]| +[^ \r\n#]))/m;
/** yaml refuses implicit keys longer than 1024 characters; js-yaml does not. */
const MAX_KEY = 1000;
/** Anchor names yaml reads without a warning (it warns about one that ends in ':'). */
const NAME = /^[\w.-]+$/;

class Unsupported extends Error {}

/** What the listener keeps of each node besides the raw node. */
type Extra = {
  /** js-yaml's value: tells a node apart from the key candidate it passes on. */
  raw: unknown;
  /** Where js-yaml was when it opened the node: before its anchor and the space in front, after a `?`. */
  from: number;
};
type Scalar = Extra & {
  kind: 'scalar';
  start: number;
  value: string | number | boolean | null;
  text: string;
  inner: 0 | 1 | undefined;
  merge: true | undefined;
  /** Offset after the last character, for one-line plain and quoted scalars; else -1. */
  end: number;
  plain: boolean;
};
type Alias = Extra & { kind: 'alias'; start: number; name: string; target: RawNode | undefined };
type Node =
  | Scalar
  | Alias
  | (Extra & { kind: 'map'; start: number; pairs: RawPair[] })
  | (Extra & { kind: 'seq'; start: number; items: Node[] });

/** The raw tree of `text`, or undefined when the exact reader must read it. */
export function readFast(text: string): RawDocument | undefined {
  if (RARE.test(text)) return undefined;
  const reader = new Reader(text);
  try {
    load(text, {
      schema: FAILSAFE_SCHEMA,
      listener: (event, state) => reader.event(event, state as LoaderState),
      onWarning: () => {
        throw new Unsupported();
      },
    });
    reader.resolveAliases();
    if (strayComment(text, reader.hashSpans)) return undefined;
    return { root: reader.root(), at: lineIndex(text) };
  } catch {
    // A syntax error or something this reader does not handle: the exact reader words it.
    return undefined;
  }
}

class Reader {
  private readonly opened: number[] = [];
  /** Per open node, whether it is a flow collection, once asked. */
  private readonly flow: (boolean | undefined)[] = [];
  /** Per open node, the nodes closed inside it so far; the first entry is the document's. */
  private readonly inside: (Node[] | null)[] = [null];
  /** Per anchor name, each node it was put on and where its '&' is. */
  private readonly anchors = new Map<string, { at: number; node: Node }[]>();
  private readonly aliases: Alias[] = [];
  /** Start and end of each scalar with a '#' in it. */
  readonly hashSpans: [number, number][] = [];

  constructor(private readonly text: string) {}

  event(event: 'open' | 'close', state: LoaderState): void {
    if (event === 'open') {
      this.opened.push(state.position);
      this.flow.push(undefined);
      this.inside.push(null);
      return;
    }
    const from = this.opened.pop()!;
    this.flow.pop();
    const inside = this.inside.pop()!;
    if (state.tag !== null && state.tag !== '?') throw new Unsupported();
    const start = contentStart(this.text, from);
    if (start === -1) throw new Unsupported();
    const node = passedOn(inside, state) ?? this.make(state, inside, from, start);
    node.from = from;
    if (state.anchor !== null) this.anchor(state.anchor, from, node);
    (this.inside[this.inside.length - 1] ??= []).push(node);
  }

  /** yaml has no root for a document without content, but an empty one after `---` or an anchor. */
  root(): RawNode | null {
    const root = this.inside[0]?.at(-1);
    if (!root) return null;
    if (root.start !== -1) return this.value(root);
    return this.anchors.size > 0 || /(?:^|\n)---/.test(this.text) ? root : null;
  }

  /** Each alias refers to the last node anchored with its name before it, as in yaml. */
  resolveAliases(): void {
    for (const a of this.aliases) {
      let best: { at: number; node: Node } | undefined;
      for (const d of this.anchors.get(a.name) ?? []) if (d.at < a.start && (!best || d.at >= best.at)) best = d;
      if (!best) throw new Unsupported();
      a.target = best.node;
    }
  }

  private make(state: LoaderState, inside: Node[] | null, from: number, start: number): Node {
    const result: unknown = state.result;
    if (state.kind === null) {
      // An alias to an empty value is null too.
      if (this.text.charCodeAt(start) === 0x2a) return this.alias(result, start, state.position);
      if (result === null) return emptyNode();
      throw new Unsupported();
    }
    if (state.kind === 'scalar' && typeof result === 'string') return this.scalar(result, start, state.position);
    if (state.kind === 'mapping' && typeof result === 'object' && result !== null && !Array.isArray(result))
      return { kind: 'map', start, pairs: this.pairs(inside ?? [], result, from, start), raw: result, from };
    if (state.kind === 'sequence' && Array.isArray(result) && sameItems(inside ?? [], result))
      return { kind: 'seq', start, items: (inside ?? []).map((item) => this.value(item)), raw: result, from };
    throw new Unsupported();
  }

  private scalar(value: string, start: number, position: number): Scalar {
    const c = this.text.charCodeAt(start);
    if (value.includes('#')) this.hashSpans.push([start, position]);
    const node: Scalar = {
      kind: 'scalar',
      start,
      value,
      text: value,
      inner: undefined,
      merge: undefined,
      end: -1,
      plain: false,
      raw: value,
      from: -1,
    };
    if (c === 0x22 || c === 0x27) {
      // Quoted: js-yaml stops right after the closing quote.
      const multiline = this.hasNewline(start, position);
      // The two libraries fold an escaped line break differently.
      if (multiline && c === 0x22 && this.text.slice(start, position).includes('\\')) throw new Unsupported();
      node.end = position;
      if (!multiline && position - start === value.length + 2) node.inner = 1;
    } else if (c === 0x7c || c === 0x3e) {
      if (!plainBlockScalar(this.text, start)) throw new Unsupported();
    } else {
      node.plain = true;
      node.value = resolvePlain(value);
      if (node.value === null) node.text = '';
      // Folding a multi-line scalar changes its text, so a verbatim match means one line.
      if (this.text.startsWith(value, start)) {
        node.end = start + value.length;
        if (node.value !== null) node.inner = 0;
      }
    }
    return node;
  }

  private alias(target: unknown, start: number, position: number): Alias {
    let end = start + 1;
    while (end < this.text.length && !' \n\r,[]{}'.includes(this.text[end]!)) end++;
    const name = this.text.slice(start + 1, end);
    if (!NAME.test(name)) throw new Unsupported();
    // js-yaml skips the line break after an alias without checking the next
    // line's indentation, which yaml checks inside a flow collection.
    if (this.hasNewline(end, position) && this.inFlow()) throw new Unsupported();
    const alias: Alias = { kind: 'alias', start, name, target: undefined, raw: target, from: -1 };
    this.aliases.push(alias);
    return alias;
  }

  private anchor(name: string, from: number, node: Node): void {
    const at = anchorStart(this.text, from);
    // yaml refuses an anchor on an alias, which js-yaml reads when a line break is between them.
    if (!NAME.test(name) || at === -1 || node.kind === 'alias') throw new Unsupported();
    const defs = this.anchors.get(name);
    if (defs) defs.push({ at, node });
    else this.anchors.set(name, [{ at, node }]);
  }

  /** The children of a map are its keys and values in turn; js-yaml's map must have as many keys. */
  private pairs(inside: Node[], result: object, from: number, start: number): RawPair[] {
    const flow = this.text.charCodeAt(start) === 0x7b;
    // yaml refuses `key: &anchor nested: map` on one line, which js-yaml reads.
    if (!flow && this.text.slice(from, start).includes('&') && !this.hasNewline(from, start)) throw new Unsupported();
    let n = inside.length;
    // After a block map's last pair js-yaml may look for one more key and find nothing.
    if (n % 2 === 1 && !flow && inside[n - 1]!.start === -1) n -= 1;
    const pairs: RawPair[] = [];
    for (let i = 0; i + 1 < n; i += 2) {
      const key = this.key(inside[i]!);
      const value = this.value(inside[i + 1]!);
      if ((result as Record<string, unknown>)[key.raw as string] !== value.raw) throw new Unsupported();
      pairs.push({ key, value });
    }
    // `{ key }` has no value node; two equal keys make one in js-yaml's map.
    if (n % 2 === 1 || Object.keys(result).length !== pairs.length) throw new Unsupported();
    return pairs;
  }

  /** Only one-line text keys: others (an error for a config anyway) and explicit `? key` go to the exact reader. */
  private key(node: Node): Scalar {
    if (node.kind !== 'scalar' || node.end === -1 || node.end - node.start > MAX_KEY) throw new Unsupported();
    if (this.text.charCodeAt(node.from - 1) === 0x3f) throw new Unsupported();
    if (node.plain && node.value === '<<') node.merge = true;
    return node;
  }

  private inFlow(): boolean {
    return this.opened.some((from, i) => {
      if (this.flow[i] === undefined) {
        const c = this.text.charCodeAt(contentStart(this.text, from));
        this.flow[i] = c === 0x5b || c === 0x7b;
      }
      return this.flow[i];
    });
  }

  private hasNewline(from: number, to: number): boolean {
    return hasNewline(this.text, from, to);
  }

  /** A value or an item, as opposed to a key: yaml reads a plain one after a shallow comment differently. */
  private value<T extends Node>(node: T): T {
    if (node.kind === 'scalar' && node.plain && node.start !== -1 && shallowCommentAbove(this.text, node.start))
      throw new Unsupported();
    return node;
  }
}

/**
 * js-yaml reads a key candidate first wherever a block map may start; when no
 * ':' follows, the node is that candidate, with the same value.
 */
function passedOn(inside: Node[] | null, state: LoaderState): Node | undefined {
  if (inside === null || inside.length !== 1) return undefined;
  const child = inside[0]!;
  if (child.raw !== state.result) return undefined;
  // An alias inside its anchor's collection (`&a [*a]`) has the collection's value.
  if (child.kind === 'alias' && state.kind !== null) return undefined;
  return child;
}

/**
 * Whether the children of a list are its items. An empty `-` item is null
 * without a node, `[a: b]` and `[? a]` make a map without one.
 */
function sameItems(inside: Node[], result: unknown[]): boolean {
  return inside.length === result.length && inside.every((n, i) => n.raw === result[i]);
}

/** `key:` with nothing after it: null, at its key's position. */
function emptyNode(): Scalar {
  return {
    kind: 'scalar',
    start: -1,
    value: null,
    text: '',
    inner: 0,
    merge: undefined,
    end: -1,
    plain: true,
    raw: null,
    from: -1,
  };
}
