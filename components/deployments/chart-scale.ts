// The health chart's arithmetic, kept pure: which windows are still to come,
// and a round top for an axis.

/**
 * The traffic steps whose health window has not ended yet, in order: the one
 * under way (when its traffic is set but no window at it was recorded) and the
 * config's later steps. A first deploy goes straight to 100 %, so the current
 * traffic, not the config alone, decides what is left.
 */
export function plannedSlots(checkedSteps: number[], steps: number[], trafficPercent: number): number[] {
  const last = checkedSteps.at(-1) ?? 0;
  const current = trafficPercent > last ? [trafficPercent] : [];
  const floor = Math.max(last, trafficPercent);
  return [...current, ...steps.filter((s) => s > floor)];
}

/** The smallest 1, 2, 2.5 or 5 × 10ⁿ at or above `value` (and at least `min`). */
export function niceCeil(value: number, min: number): number {
  const v = Math.max(value, min);
  const magnitude = 10 ** Math.floor(Math.log10(v));
  const nice = [1, 2, 2.5, 5, 10].find((m) => m * magnitude >= v * (1 - 1e-9)) ?? 10;
  return nice * magnitude;
}
