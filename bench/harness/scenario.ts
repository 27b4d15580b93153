// What every benchmark scenario is: a name, and a run that returns figures
// (for the table) and details (for bench/results.json).
import type { Figure } from './stats';
import type { BenchSystem } from './system';

export interface ScenarioContext {
  system: BenchSystem;
  /** A short smoke run: few iterations, figures not meant to be compared. */
  quick: boolean;
  log: (line: string) => void;
}

export interface ScenarioResult {
  figures: Figure[];
  details: Record<string, unknown>;
}

export interface Scenario {
  id: string;
  title: string;
  run(ctx: ScenarioContext): Promise<ScenarioResult>;
}

/** Polls `fn` until it returns a value (not null/undefined/false), or throws after `timeoutMs`. */
export async function until<T>(
  fn: () => Promise<T | null | undefined | false>,
  timeoutMs: number,
  what: string,
  everyMs = 5,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
