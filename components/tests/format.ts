// How test figures read on the flaky-tests pages and the job page.
import { formatDuration } from '@/components/runs/format';

/** A flake rate (0 to 1) as a percentage: "12.5%", "0%", "<0.1%". */
export function formatRate(rate: number): string {
  if (rate <= 0) return '0%';
  if (rate < 0.001) return '<0.1%';
  const pct = rate * 100;
  return `${pct >= 10 ? pct.toFixed(0) : pct.toFixed(1).replace(/\.0$/, '')}%`;
}

/** A test's duration: "850 ms", "2.3 s", "—" when unknown. */
export function formatTestDuration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${ms} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

/** Time lost to retries: "350 ms", "4.2 s", "3m 05s"; "—" for none. */
export function formatTimeLost(ms: number): string {
  if (ms <= 0) return '—';
  return ms < 60_000 ? formatTestDuration(ms) : formatDuration(ms);
}

/** A test as people name it: `suite › name`, or the name when the suite adds nothing. */
export function testTitle(t: { suite: string; name: string }): string {
  return t.suite && !t.name.startsWith(t.suite) ? `${t.suite} › ${t.name}` : t.name;
}
