import { describe, expect, it } from 'vitest';
import { buildDag } from '../domain/pipeline-config/dag';
import { parsePipelineConfig } from '../domain/pipeline-config/parse';
import { DEMO_PIPELINE } from './demo-repo';

describe('the demo pipeline npm start creates', () => {
  it('parses without errors or warnings and forms the DAG it promises', () => {
    const { config, issues } = parsePipelineConfig(DEMO_PIPELINE);
    expect(issues).toEqual([]);
    const dag = buildDag(config!);
    expect(dag.levels).toEqual([['compile'], ['lint', 'unit'], ['deploy-staging'], ['deploy-production']]);
    expect(config!.jobs.find((j) => j.name === 'deploy-production')?.deploy).toMatchObject({
      approval: 'required',
      steps: [25, 100],
      start: 'node dist/server.js',
    });
  });
});
