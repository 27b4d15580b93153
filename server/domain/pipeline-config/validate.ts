// Checks across jobs, once every job is read: stages exist, needs name real jobs
// of the same or an earlier stage without cycles, artifact names are unique and
// every deploy can reach the artifact it rolls out.
import { buildGraph, findCycles, type Graph, topologicalLevels } from './graph';
import { type Issues, joinPath } from './issues';
import { isHidden, type JobDraft } from './jobs';
import { DEFAULT_JOB_STAGE, DEFAULT_STAGES } from './model';
import { didYouMean } from './suggest';
import type { TopLevel } from './top-level';

/** `jobNames`: every job written in the file, including those with errors and hidden ones. */
export function validateJobs(
  top: TopLevel,
  drafts: readonly JobDraft[],
  jobNames: ReadonlySet<string>,
  issues: Issues,
): void {
  const stages = top.stages ? top.stages.map((s) => s.value) : [...DEFAULT_STAGES];
  if (!top.stagesBroken) checkStages(top, stages, drafts, issues);
  const needs = checkNeeds(drafts, stages, jobNames, issues);
  const graph = buildGraph(
    drafts.map((d) => ({ name: d.job.name, stage: d.stage?.value ?? '', needs: needs.get(d.job.name) ?? null })),
    stages,
  );
  checkCycles(drafts, graph, issues);
  checkArtifacts(drafts, graph, issues);
  for (const [i, d] of drafts.entries()) {
    if (d.job.when === 'on_failure' && d.stage && graph.deps[i]!.length === 0) {
      issues.warning(
        d.whenPos,
        `${joinPath('jobs', d.job.name)}.when: on_failure runs only when a job it waits for fails, and this job waits for none.`,
      );
    }
  }
}

function checkStages(top: TopLevel, stages: string[], drafts: readonly JobDraft[], issues: Issues): void {
  const declare = top.stages ? '' : ' (add a stages: list to use other stages)';
  for (const d of drafts) {
    if (!d.stage || stages.includes(d.stage.value)) continue;
    const path = joinPath('jobs', d.job.name);
    if (!d.stage.explicit) {
      issues.error(
        d.keyPos,
        `${path}: has no stage, and the default stage '${DEFAULT_JOB_STAGE}' is not one of the stages (${stages.join(', ')}); add stage: with one of them.`,
      );
    } else {
      issues.error(
        d.stage.pos,
        `${path}.stage: unknown stage '${d.stage.value}'.${didYouMean(d.stage.value, stages)} The stages are ${stages.join(', ')}${declare}.`,
      );
    }
  }
  const used = new Set(drafts.map((d) => d.stage?.value));
  for (const s of top.stages ?? []) {
    if (!used.has(s.value)) issues.warning(s.pos, `stages: no job is in stage '${s.value}'.`);
  }
}

/** The needs of each job that name a real job of the same or an earlier stage; each bad one is reported. */
function checkNeeds(
  drafts: readonly JobDraft[],
  stages: string[],
  jobNames: ReadonlySet<string>,
  issues: Issues,
): Map<string, string[]> {
  const byName = new Map(drafts.map((d) => [d.job.name, d]));
  const runnable = [...jobNames].filter((n) => !isHidden(n));
  const out = new Map<string, string[]>();
  for (const d of drafts) {
    if (d.needs === null) continue;
    const path = `${joinPath('jobs', d.job.name)}.needs`;
    const valid: string[] = [];
    for (const n of d.needs) {
      const problem = needProblem(d, n.value, byName.get(n.value), stages, jobNames, runnable);
      if (problem) issues.error(n.pos, `${path}: ${problem}`);
      else valid.push(n.value);
    }
    out.set(d.job.name, valid);
  }
  return out;
}

function needProblem(
  job: JobDraft,
  need: string,
  target: JobDraft | undefined,
  stages: string[],
  jobNames: ReadonlySet<string>,
  runnable: string[],
): string | undefined {
  if (need === job.job.name) return 'a job cannot need itself.';
  if (isHidden(need) && jobNames.has(need))
    return `'${need}' is a hidden job (its name starts with '.') and never runs.`;
  if (!jobNames.has(need)) return `no job named '${need}'.${didYouMean(need, runnable)}`;
  if (!target?.stage || !job.stage) return undefined;
  const mine = stages.indexOf(job.stage.value);
  const theirs = stages.indexOf(target.stage.value);
  if (mine < 0 || theirs <= mine) return undefined;
  return `'${need}' is in stage ${target.stage.value}, which comes after this job's stage ${job.stage.value}; a job can only need jobs of its own or an earlier stage.`;
}

function checkCycles(drafts: readonly JobDraft[], graph: Graph, issues: Issues): void {
  const byName = new Map(drafts.map((d) => [d.job.name, d]));
  for (const c of findCycles(graph)) {
    const from = byName.get(c.from)!;
    const at = from.needs?.find((n) => n.value === c.to)?.pos ?? from.keyPos;
    issues.error(
      at,
      `${joinPath('jobs', c.from)}.needs: '${c.to}' closes a cycle: ${c.jobs.join(' → ')} (each job needs the next).`,
    );
  }
}

function checkArtifacts(drafts: readonly JobDraft[], graph: Graph, issues: Issues): void {
  const producer = new Map<string, string>();
  for (const d of drafts) {
    const name = d.job.artifacts?.name;
    if (name === undefined) continue;
    const other = producer.get(name);
    if (other === undefined) producer.set(name, d.job.name);
    else
      issues.error(
        d.artifactsNamePos!,
        `${joinPath('jobs', d.job.name)}.artifacts: job '${other}' already produces an artifact named '${name}'; artifact names must be unique.`,
      );
  }
  if (!drafts.some((d) => d.job.deploy)) return;
  const reachable = reachableArtifacts(drafts, graph);
  for (const [i, d] of drafts.entries()) {
    if (!d.job.deploy || !d.deployArtifactPos) continue;
    const wanted = d.job.deploy.artifact;
    const available = reachable[i];
    if (!available || available.has(wanted)) continue;
    issues.error(
      d.deployArtifactPos!,
      `${joinPath('jobs', d.job.name)}.deploy.artifact: ${artifactHint(d.job.name, wanted, producer)}`,
    );
  }
}

function artifactHint(job: string, wanted: string, producer: ReadonlyMap<string, string>): string {
  const start = `no job that '${job}' waits for produces an artifact named '${wanted}'.`;
  const by = producer.get(wanted);
  if (by !== undefined) return `${start} Job '${by}' does: add it to needs, directly or through a job it needs.`;
  if (producer.size === 0)
    return `${start} No job has artifacts: add artifacts: { name: ${wanted}, paths: [...] } to the job that builds it.`;
  return `${start}${didYouMean(wanted, producer.keys())} Artifacts: ${[...producer.keys()].join(', ')}.`;
}

/** For each job outside cycles, the artifact names produced by the jobs it waits for, directly or not. */
function reachableArtifacts(drafts: readonly JobDraft[], graph: Graph): (Set<string> | undefined)[] {
  const out: (Set<string> | undefined)[] = [];
  // Jobs of one stage without needs share one dependency array: compute its union once.
  const byDeps = new Map<readonly number[], Set<string>>();
  for (const job of topologicalLevels(graph).flat()) {
    const deps = graph.deps[job]!;
    let set = byDeps.get(deps);
    if (!set) {
      set = new Set<string>();
      for (const dep of deps) {
        for (const a of out[dep] ?? []) set.add(a);
        const artifact = drafts[dep]!.job.artifacts?.name;
        if (artifact !== undefined) set.add(artifact);
      }
      byDeps.set(deps, set);
    }
    out[job] = set;
  }
  return out;
}
