// The fast reader (js-yaml) must give exactly the raw tree the exact reader (the
// yaml package) gives, positions included, or step aside: the issues a config
// gets must not depend on which one read it. Checked on the docs' examples, a
// text with most of YAML's features, generated configs, and thousands of random
// edits of them (which reach the corners where the two libraries disagree).
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { Issues } from './issues';
import { parsePipelineConfig } from './parse';
import { generateConfig, pos, seeded, yml } from './testing';
import { readExact } from './yaml-exact';
import { readFast } from './yaml-fast';
import type { RawDocument, RawNode } from './yaml-raw';

const FEATURES = yml`
  # a comment
  .defaults: &defaults
    image: "node:20"   # trailing
    retry: 2
    variables: &vars { A: "1", B: 'it''s', C: "esc\\"aped\\n", D: 0x1F, E: 1.10, F: .inf, G: ~, H: null, I: true, J: +12, K: 0o17, L: 1e3, M: -.5 }
  .script: &script [npm ci, npm test]
  .block: &block |
    line one
      indented
    line three
  .folded: &folded >-
    folded text
    continues here

    new paragraph
  jobs:
    .template: &job { stage: test, timeout: 5m }
    one:
      <<: *defaults
      script: *script
      needs:
        - two
        - "three"
    two:
      <<: [*job, *defaults]
      image: node:22
      script:
        - >
          folded
          script
        - |+
          kept

        - plain multi
          line scalar
        - 'single
          quoted multi'
      variables: { <<: *vars, B: "2" }
    three: *job
    "quoted key": {}
    'single': []
    empty:
    123: { script: x }
    list_of_maps:
      - a: 1
        b: 2
      - [x, y, z]
      - { a: [1, 2, {b: c}], d: }
    anchored_seq: &seq
    - one
    - &seq two
    aliased: *seq
    self: &self { a: *self }
    url: http://example.com/#frag
    hash: a#b
    colon: a:b
    dashes: -a
    weird: "  spaced  "
    'it''s': x
`;

const DOCS = [
  ...readFileSync(new URL('../../../docs/pipeline-config.md', import.meta.url), 'utf8').matchAll(
    /^```yaml[^\n]*\n([\s\S]*?)^```$/gm,
  ),
].map((m) => m[1]!);

/** The raw tree as plain data: positions as line:column, an alias's target by its kind and position. */
function plain(doc: RawDocument): unknown {
  const at = (offset: number) => (offset === -1 ? 'parent' : `${doc.at(offset).line}:${doc.at(offset).column}`);
  const walk = (n: RawNode | null): unknown => {
    if (n === null) return null;
    switch (n.kind) {
      case 'scalar':
        return { at: at(n.start), value: n.value, text: n.text, inner: n.inner, merge: n.merge };
      case 'alias':
        return { at: at(n.start), alias: n.name, target: n.target && `${n.target.kind}@${at(n.target.start)}` };
      case 'map':
        return { at: at(n.start), pairs: n.pairs.map((p) => [walk(p.key), walk(p.value)]) };
      case 'seq':
        return { at: at(n.start), items: n.items.map(walk) };
    }
  };
  return walk(doc.root);
}

/** undefined when the fast reader agrees with the exact one or steps aside; else what differs. */
function disagreement(text: string): string | undefined {
  const fast = readFast(text);
  if (!fast) return undefined;
  const issues = new Issues();
  const exact = readExact(text, issues);
  if (!exact || issues.list.length > 0) return `only the exact reader finds ${JSON.stringify(issues.list)}`;
  const [a, b] = [JSON.stringify(plain(fast)), JSON.stringify(plain(exact))];
  return a === b ? undefined : `fast ${a}\nexact ${b}`;
}

/** Random edits in the style of a person typing YAML: indicators, spaces, deletions, comments, pasted fragments. */
function edits(bases: readonly string[], count: number, seed: number): string[] {
  const random = seeded(seed);
  const alphabet = ' \n:-[]{},&*<>!|"\'#%@`?.0123456789abcdefxyz\\';
  const pieces = [' ', '  ', '\n', '\n  ', '- ', ': ', '# c', '&a ', '*a', '<<: ', '"', "'", '|', '>-', '? ', '---'];
  return Array.from({ length: count }, () => {
    const chars = [...bases[Math.floor(random() * bases.length)]!];
    for (let k = 1 + Math.floor(random() * 3); k > 0; k--) {
      const at = Math.floor(random() * chars.length);
      const r = random();
      if (r < 0.3) chars.splice(at, Math.floor(random() * 3), alphabet[Math.floor(random() * alphabet.length)]!);
      else if (r < 0.6) chars.splice(at, 0, ...pieces[Math.floor(random() * pieces.length)]!);
      else if (r < 0.7) chars.splice(at, 1 + Math.floor(random() * 2));
      else if (r < 0.8) {
        // A comment line, indented anyhow, before a random line.
        const line = chars.indexOf('\n', at);
        if (line !== -1) chars.splice(line, 0, '\n', ...' '.repeat(Math.floor(random() * 7)), '#', ' ', 'c');
      } else {
        const from = Math.floor(random() * chars.length);
        chars.splice(at, 0, ...chars.slice(from, from + Math.floor(random() * 20)));
      }
    }
    return chars.join('');
  });
}

describe('the fast YAML reader', () => {
  it('reads the configs people write: the docs, the benchmark, most of YAML', () => {
    for (const text of [...DOCS, FEATURES, generateConfig(500)]) expect(readFast(text)).toBeDefined();
  });

  it('agrees with the exact reader on the docs, the features and generated configs', () => {
    for (const text of [...DOCS, FEATURES, generateConfig(40, 2), generateConfig(40, 3)])
      expect(disagreement(text)).toBeUndefined();
  });

  it.each([
    ['the features', [FEATURES], 1],
    ['a generated config', [generateConfig(15, 4)], 2],
    ['the docs', DOCS, 3],
  ])('agrees with the exact reader on random edits of %s', (_name, bases, seed) => {
    const texts = edits(bases, 400, seed);
    expect(texts.filter((t) => readFast(t)).length).toBeGreaterThan(80);
    const found = texts.map((t) => [t, disagreement(t)]).filter(([, d]) => d !== undefined);
    expect(found).toEqual([]);
  });

  it.each([
    ['a tab', 'jobs:\n\ta: {}'],
    ['a lone carriage return', 'jobs: {}\r'],
    ['a byte order mark', '\uFEFFjobs: {}'],
    ['a directive', '%YAML 1.2\n---\njobs: {}'],
    ['a document end', 'jobs: {}\n...\n'],
    ['content after ---', '--- - a'],
    ['--- without a space', '---x: 1'],
    ['a tag', 'jobs: { a: { script: !!str x } }'],
    ['a custom tag', 'jobs: { a: { script: !shell x } }'],
    ['a duplicate key', 'jobs:\n  a: {}\n  a: {}'],
    ['an explicit key', '? jobs\n: {}'],
    ['a list as a key', '[a, b]: c'],
    ['a map in a list without braces', 'a: [b: c]'],
    ['a flow key without value', 'a: { b, c: d }'],
    ['an empty list item', 'a:\n  -\n  - b'],
    ['a comment right after a quote', 'a: "b"#c'],
    ['a comment right after a comma', 'a: [b,#c\n  ]'],
    ['a nested map after an anchor on one line', 'a: &x b: c'],
    ['an anchor not followed by a space', 'a: &x{}'],
    ['two anchors', 'a: &x\n  &y b'],
    ['an anchor on an alias', 'a: &x b\nc: &y\n  *x'],
    ['an anchor name ending in a colon', 'a: &x: b'],
    ['a line break after an alias in a flow collection', 'a: &x b\nc:\n  d: [*x\n]'],
    ['an indentation indicator', 'a: |2\n    b'],
    ['an escaped line break in double quotes', 'a: "b \\\n  c"'],
    ['a key longer than yaml allows', `${'k'.repeat(1100)}: v`],
    ['a comment indented less than the text after it', 'a:\n-\n#c\n line\nb: 1'],
    ['a comment indented less than the value after it', 'a:\n#c\n line\nb: 1'],
  ])('leaves %s to the exact reader', (_what, text) => {
    expect(readFast(text)).toBeUndefined();
  });

  it('reads a text that starts with a line break', () => {
    for (const text of ['\n a', '\n\n a', '\n#c\n a\nb: 1', '\n- a\n#c\n  b'])
      expect(disagreement(text)).toBeUndefined();
  });

  it('takes time in proportion to the text, whatever the text', () => {
    const aliases = Array.from({ length: 5_000 }, (_, i) => `  k${i}: *a`).join('\n');
    for (const text of [
      `a: b #${'#x'.repeat(200_000)}\n`,
      `a: [${'"#", '.repeat(100_000)}]`,
      `.a: &a 1\nx:\n${'# c\n'.repeat(50_000)}${aliases}\n`,
    ]) {
      const started = performance.now();
      parsePipelineConfig(text);
      expect(performance.now() - started).toBeLessThan(2_000);
    }
  });

  it('points issues at the right place in a config it reads, merges and all', () => {
    const text = yml`
      .base: &base { image: node:20, timeout: 5m }
      jobs:
        a: { <<: *base, script: make, scirpt: x }
        b: { <<: *base, script: make, needs: [a, c] }
    `;
    expect(readFast(text)).toBeDefined();
    expect(parsePipelineConfig(text).issues.map((i) => `${i.line}:${i.column} ${i.message}`)).toEqual([
      `${pos(text, 'scirpt')} jobs.a: unknown key 'scirpt'. Did you mean 'script'?`,
      `${pos(text, 'c]')} jobs.b.needs: no job named 'c'.`,
    ]);
  });
});
