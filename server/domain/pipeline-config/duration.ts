// Durations as people write them: `90s`, `10m`, `1h30m`, `7d`, `1d12h`. Units in
// descending order, each at most once, whole numbers only.

const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;
const UNIT_SECONDS = [86_400, 3600, 60, 1] as const;

/** Seconds, or undefined when `text` is not a duration. Zero is a valid duration here; callers decide. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m || text.trim() === '') return undefined;
  let total = 0;
  for (let i = 0; i < UNIT_SECONDS.length; i++) {
    const part = m[i + 1];
    if (part !== undefined) total += Number(part) * UNIT_SECONDS[i]!;
  }
  return Number.isSafeInteger(total) ? total : undefined;
}

/** The shortest spelling of a duration: 5400 → `1h30m`. */
export function formatDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  let rest = seconds;
  let out = '';
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out;
}
