// Links to lines of a log, as in the URL's hash: `#L12` (one line) or `#L12-L20`
// (a range, made by shift-clicking a second line number).

/** A run of lines, `from` ≤ `to`, both counted from 1. */
export interface LineRange {
  from: number;
  to: number;
}

const HASH = /^#L(\d+)(?:-L(\d+))?$/;

/** The range a hash points at, or null when it points at no line. */
export function parseLineHash(hash: string): LineRange | null {
  const m = HASH.exec(hash);
  if (!m) return null;
  const a = Number(m[1]);
  const b = m[2] === undefined ? a : Number(m[2]);
  if (a < 1 || b < 1) return null;
  return { from: Math.min(a, b), to: Math.max(a, b) };
}

export function formatLineHash(range: LineRange): string {
  return range.from === range.to ? `#L${range.from}` : `#L${range.from}-L${range.to}`;
}

/** The selection after clicking line `n`: the line alone, or with shift held, the span from the current selection. */
export function selectLine(current: LineRange | null, n: number, extend: boolean): LineRange {
  if (!extend || current === null) return { from: n, to: n };
  const anchor = n < current.from ? current.to : current.from;
  return { from: Math.min(anchor, n), to: Math.max(anchor, n) };
}
