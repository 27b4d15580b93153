// The runs overview's filters live in the URL (shareable, back-button safe).
export const RUN_STATUSES = ['pending', 'running', 'success', 'failed', 'cancelled'] as const;
export const RUN_TRIGGERS = ['push', 'pr', 'manual', 'schedule'] as const;

export interface RunFilters {
  repo?: string;
  branch?: string;
  status?: (typeof RUN_STATUSES)[number];
  trigger?: (typeof RUN_TRIGGERS)[number];
  cursor?: string;
}

export function filtersFromParams(params: URLSearchParams): RunFilters {
  const pick = <T extends string>(key: string, allowed?: readonly T[]): T | undefined => {
    const v = params.get(key)?.trim();
    if (!v) return undefined;
    return !allowed || (allowed as readonly string[]).includes(v) ? (v as T) : undefined;
  };
  return {
    repo: pick('repo'),
    branch: pick('branch'),
    status: pick('status', RUN_STATUSES),
    trigger: pick('trigger', RUN_TRIGGERS),
    cursor: pick('cursor'),
  };
}

export function paramsFromFilters(f: RunFilters): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
}
