// Helpers for the DAG's tests: the graph components never import this file.
import type { DagInput, DagJob } from './types';

/** A job with defaults (pending, no timing, first attempt); `id` defaults to the name. */
export function dagJob(name: string, stage: string, fields: Partial<DagJob> = {}): DagJob {
  return {
    id: name,
    name,
    stage,
    needs: [],
    status: 'pending',
    startedAt: null,
    finishedAt: null,
    attemptCount: 1,
    allowFailure: false,
    ...fields,
  };
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so generated runs are reproducible. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A large run: `jobCount` jobs over `stageCount` stages, each job after the
 * first stage needing 1–3 jobs of earlier stages; the first stages finished,
 * one running, the rest pending.
 */
export function generateRun(jobCount: number, stageCount = 8, seed = 1): DagInput {
  const rand = random(seed);
  const stages = Array.from({ length: stageCount }, (_, i) => `stage-${i}`);
  const byStage: string[][] = stages.map(() => []);
  const start = Date.UTC(2026, 0, 1, 12);
  const jobs: DagJob[] = [];
  for (let i = 0; i < jobCount; i++) {
    const s = Math.min(stageCount - 1, Math.floor((i * stageCount) / jobCount));
    const name = `job-${String(i).padStart(4, '0')}`;
    const earlier = byStage.slice(0, s).flat();
    const needs = new Set<string>();
    for (let k = 0; k < 1 + Math.floor(rand() * 3) && earlier.length > 0; k++) {
      needs.add(earlier[Math.floor(rand() * earlier.length)]!);
    }
    const phase = s < stageCount / 2 ? 'done' : s === Math.floor(stageCount / 2) ? 'running' : 'waiting';
    const startedAt = new Date(start + s * 60_000);
    jobs.push(
      dagJob(name, stages[s]!, {
        id: `id-${i}`,
        needs: [...needs],
        status: phase === 'done' ? 'success' : phase === 'running' ? 'running' : 'pending',
        startedAt: phase === 'waiting' ? null : startedAt,
        finishedAt: phase === 'done' ? new Date(startedAt.getTime() + Math.floor(rand() * 60_000)) : null,
      }),
    );
    byStage[s]!.push(name);
  }
  return { stages, jobs };
}
