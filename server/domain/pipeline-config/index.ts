// The pipeline config: `.ci/pipeline.yml` parsed into a resolved config with
// positioned issues, and the DAG of its jobs. Pure: no I/O, no clock.
export { parsePipelineConfig, type ParseResult } from './parse';
export { buildDag, type CriticalPath, type Dag, type DagEdge, type DagJob, type DagOptions } from './dag';
export type { ConfigIssue, Severity } from './issues';
export * from './model';
