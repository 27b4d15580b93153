// Scenario 7: resident memory of the web server, the scheduler and the local
// runner, at idle (now) and under the dispatch-throughput load (sampled by a
// timer for as long as the whole bench runs; the peak is reported).
import fs from 'node:fs';
import type { Scenario } from '../harness/scenario';
import type { Figure } from '../harness/stats';
import { childrenOf, type BenchSystem } from '../harness/system';

/** Resident set of a process and its children (Next's server runs in a child of `next start`), in MiB. */
export function rssMiB(pid: number | undefined): number {
  if (!pid) return NaN;
  let kib = 0;
  const visit = (p: number) => {
    try {
      kib += Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      return; // gone
    }
    for (const child of childrenOf(p)) visit(child.pid);
  };
  visit(pid);
  return kib / 1024;
}

export function sample(system: BenchSystem) {
  const p = system.pids();
  return { web: rssMiB(p.web), scheduler: rssMiB(p.scheduler), runner: rssMiB(p.runner) };
}

/** Peak memory seen while the rest of the bench runs (the throughput scenario is the heavy part). */
export const peaks = { web: 0, scheduler: 0, runner: 0 };

export const footprint: Scenario = {
  id: 'footprint',
  title: 'footprint: resident memory of web, scheduler and runner at idle (peaks are sampled throughout)',
  async run({ system, log }) {
    await new Promise((r) => setTimeout(r, 3_000)); // settled after start
    const idle = sample(system);
    const timer = setInterval(() => {
      const s = sample(system);
      for (const k of Object.keys(peaks) as (keyof typeof peaks)[]) if (s[k] > peaks[k]) peaks[k] = s[k];
    }, 500);
    timer.unref();
    log(
      `idle RSS: web ${idle.web.toFixed(0)} MiB, scheduler ${idle.scheduler.toFixed(0)} MiB, runner ${idle.runner.toFixed(0)} MiB`,
    );
    const scenario = '7 footprint';
    const figures: Figure[] = [
      { scenario, name: 'web RSS at idle', value: idle.web, unit: 'MiB' },
      { scenario, name: 'scheduler RSS at idle', value: idle.scheduler, unit: 'MiB' },
      { scenario, name: 'runner RSS at idle', value: idle.runner, unit: 'MiB' },
    ];
    return { figures, details: { idle, pids: system.pids() } };
  },
};

/** The peak figures, added at the end of the bench. */
export function peakFigures(): Figure[] {
  const scenario = '7 footprint';
  return [
    { scenario, name: 'web RSS peak during the bench', value: peaks.web, unit: 'MiB' },
    { scenario, name: 'scheduler RSS peak during the bench', value: peaks.scheduler, unit: 'MiB' },
    { scenario, name: 'runner RSS peak during the bench', value: peaks.runner, unit: 'MiB' },
  ];
}
