// Renders the processes' pino JSON lines for a person: time, process, level,
// message, then the remaining fields as key=value. Lines that are not JSON
// (Next.js's banner, PostgreSQL's own log) pass through with the prefix.
const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const SKIP = new Set(['level', 'time', 'msg', 'proc', 'pid', 'hostname']);

function value(v: unknown): string {
  if (typeof v === 'string') return /\s/.test(v) ? JSON.stringify(v) : v;
  if (v && typeof v === 'object' && 'message' in v) return JSON.stringify((v as { message: unknown }).message);
  return JSON.stringify(v);
}

export function renderLine(proc: string, line: string, width = 9): string {
  const prefix = proc.padEnd(width);
  if (line.startsWith('{')) {
    try {
      const rec = JSON.parse(line) as Record<string, unknown>;
      const time = typeof rec.time === 'string' ? rec.time.slice(11, 19) : new Date().toISOString().slice(11, 19);
      const level = (LEVELS[rec.level as number] ?? String(rec.level ?? 'info')).padEnd(5);
      const extra = Object.entries(rec)
        .filter(([k]) => !SKIP.has(k))
        .map(([k, v]) => `${k}=${value(v)}`)
        .join(' ');
      return `${time} ${prefix} ${level} ${String(rec.msg ?? '')}${extra ? ` ${extra}` : ''}`;
    } catch {
      // not JSON after all
    }
  }
  return `${new Date().toISOString().slice(11, 19)} ${prefix} ${line}`;
}

/** As JSON lines: a pino record keeps its fields; any other line becomes one. */
export function jsonLine(proc: string, line: string): string {
  if (line.startsWith('{')) {
    try {
      return JSON.stringify({ proc, ...(JSON.parse(line) as object) });
    } catch {
      // fall through
    }
  }
  return JSON.stringify({ level: 30, time: new Date().toISOString(), proc, msg: line });
}
