// What an `apply` has to do, decided before anything starts: the target
// checked (whole instance counts, weights only where instances run, some
// traffic somewhere unless nothing runs at all, every running version
// prepared), and per version how many instances to start or stop. Pure, so
// the rules are tested alone. The empty target stops the environment.
import { OrchestratorError, type EnvironmentTarget } from '../orchestrator';

export interface VersionPlan {
  version: string;
  /** Instances it runs once the apply is done. */
  count: number;
  weight: number;
  /** Instances to start (count above what runs now). */
  start: number;
  /** Instances to stop (what runs now above count), newest first. */
  stop: number;
}

/**
 * The plan from `running` (instances per version now) to `target`; throws an
 * OrchestratorError listing every problem with the target.
 */
export function planTarget(
  environment: string,
  target: EnvironmentTarget,
  running: ReadonlyMap<string, number>,
  prepared: ReadonlySet<string>,
): VersionPlan[] {
  const problems: string[] = [];
  for (const [version, n] of Object.entries(target.instances)) {
    if (!Number.isInteger(n) || n < 0) problems.push(`instances of '${version}' must be a whole number ≥ 0, not ${n}`);
    else if (n > 0 && !prepared.has(version)) problems.push(`version '${version}' is not prepared`);
  }
  for (const [version, w] of Object.entries(target.weights)) {
    if (!Number.isFinite(w) || w < 0) problems.push(`the weight of '${version}' must be a number ≥ 0, not ${w}`);
    else if (w > 0 && !((target.instances[version] ?? 0) > 0))
      problems.push(`'${version}' has weight ${w} but no instances`);
  }
  // An empty target (no instances at all) stops the environment; otherwise some version takes the traffic.
  const runsSomething = Object.values(target.instances).some((n) => n > 0);
  if (runsSomething && !Object.values(target.weights).some((w) => w > 0)) {
    problems.push('no version has a weight above 0');
  }
  if (problems.length > 0) {
    throw new OrchestratorError(`cannot apply this target to '${environment}': ${problems.join('; ')}`);
  }

  const versions = new Set([...running.keys(), ...Object.keys(target.instances)]);
  return [...versions].map((version) => {
    const count = target.instances[version] ?? 0;
    const now = running.get(version) ?? 0;
    return {
      version,
      count,
      weight: count > 0 ? (target.weights[version] ?? 0) : 0,
      start: Math.max(0, count - now),
      stop: Math.max(0, now - count),
    };
  });
}
