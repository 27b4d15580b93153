// Every ```yaml block of docs/pipeline-config.md is a complete config that parses
// without any issue; ```yaml warning blocks parse with warnings only; ```yaml
// invalid blocks must have errors. The docs cannot drift from the parser.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildDag } from './dag';
import { parsePipelineConfig } from './parse';

const doc = readFileSync(new URL('../../../docs/pipeline-config.md', import.meta.url), 'utf8');

type Block = { kind: string; text: string; line: number };

function yamlBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  for (const m of markdown.matchAll(/^```yaml([^\n]*)\n([\s\S]*?)^```$/gm)) {
    blocks.push({ kind: m[1]!.trim(), text: m[2]!, line: markdown.slice(0, m.index).split('\n').length });
  }
  return blocks;
}

const blocks = yamlBlocks(doc);

describe('docs/pipeline-config.md', () => {
  it('has examples of every kind', () => {
    expect(blocks.filter((b) => b.kind === '').length).toBeGreaterThan(10);
    expect(blocks.filter((b) => b.kind === 'invalid').length).toBeGreaterThan(0);
    expect(blocks.filter((b) => b.kind === 'warning').length).toBeGreaterThan(0);
    expect(blocks.filter((b) => !['', 'invalid', 'warning'].includes(b.kind))).toEqual([]);
  });

  it.each(blocks.filter((b) => b.kind === '').map((b) => [b.line, b.text]))(
    'the example at line %i parses without issues',
    (_line, text) => {
      const { config, issues } = parsePipelineConfig(text);
      expect(issues).toEqual([]);
      expect(config).not.toBeNull();
    },
  );

  it.each(blocks.filter((b) => b.kind === 'warning').map((b) => [b.line, b.text]))(
    'the example at line %i parses with warnings only',
    (_line, text) => {
      const { config, issues } = parsePipelineConfig(text);
      expect(issues.length).toBeGreaterThan(0);
      expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
      expect(config).not.toBeNull();
    },
  );

  it.each(blocks.filter((b) => b.kind === 'invalid').map((b) => [b.line, b.text]))(
    'the invalid example at line %i has errors',
    (_line, text) => {
      const { config, issues } = parsePipelineConfig(text);
      expect(issues.filter((i) => i.severity === 'error').length).toBeGreaterThan(0);
      expect(config).toBeNull();
    },
  );

  it('describes the DAG of its example as the parser builds it', () => {
    const example = blocks.find((b) => b.text.includes('ship: { stage: deploy, needs: [unit, e2e]'));
    const dag = buildDag(parsePipelineConfig(example!.text).config!);
    expect(dag.levels).toEqual([['compile', 'docs', 'lint'], ['e2e', 'unit'], ['ship']]);
  });
});
