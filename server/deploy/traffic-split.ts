// Which version serves the next request during a rollout, by weight (the
// canary's traffic percentage). Smooth weighted round-robin: deterministic,
// exact over any window of 100 requests at whole percentages, and the new
// version's requests spread out instead of arriving in one burst.
export interface Backend<T> {
  target: T;
  /** Relative share of requests; 0 takes none. */
  weight: number;
}

export class TrafficSplit<T> {
  private readonly current: number[];

  constructor(private readonly backends: Backend<T>[]) {
    if (backends.length === 0 || backends.some((b) => b.weight < 0 || !Number.isFinite(b.weight))) {
      throw new Error('a traffic split needs at least one backend and weights of 0 or more');
    }
    if (backends.every((b) => b.weight === 0)) throw new Error('a traffic split needs one backend with weight');
    this.current = backends.map(() => 0);
  }

  next(): T {
    const total = this.backends.reduce((n, b) => n + b.weight, 0);
    let best = 0;
    for (let i = 0; i < this.backends.length; i++) {
      this.current[i]! += this.backends[i]!.weight;
      if (this.current[i]! > this.current[best]!) best = i;
    }
    this.current[best]! -= total;
    return this.backends[best]!.target;
  }
}

/** The stable and canary weights for a canary step (percent of traffic on the new version). */
export function canaryWeights(percent: number): { stable: number; canary: number } {
  if (!Number.isInteger(percent) || percent < 0 || percent > 100)
    throw new Error(`not a traffic percentage: ${percent}`);
  return { stable: 100 - percent, canary: percent };
}
