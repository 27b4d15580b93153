// A job's log as lines, built from its chunks in order. Chunks are cut anywhere
// (mid-line, mid-timestamp, mid-escape), so the unfinished tail is kept raw
// until its newline arrives; each push costs the size of the chunk, never a
// re-split of what came before.
import { STAMP_LENGTH, splitStamp } from '@/server/contracts/log-format';

/** One line of a log: `n` counts from 1, `at` is the runner's ISO timestamp (null when unstamped). */
export interface LogLine {
  n: number;
  at: string | null;
  text: string;
}

/** The shape of a stamp (`2026-12-04T16:30:00.123Z `): `d` a digit, anything else itself. */
const STAMP_SHAPE = 'dddd-dd-ddTdd:dd:dd.dddZ ';

/** Whether `s` may be the first characters of a stamp whose rest has not arrived yet. */
function isStampPrefix(s: string): boolean {
  if (s.length >= STAMP_LENGTH) return false;
  for (let i = 0; i < s.length; i++) {
    const want = STAMP_SHAPE[i];
    const ch = s.charCodeAt(i);
    if (want === 'd' ? ch < 48 || ch > 57 : s[i] !== want) return false;
  }
  return true;
}

/**
 * What a terminal shows for a line rewritten with `\r` (progress bars): the text
 * after the last carriage return that is followed by something. A trailing
 * `\r` (as in `\r\n`) rewrites nothing.
 */
export function settleCarriageReturns(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 13) end--;
  const body = end === text.length ? text : text.slice(0, end);
  const cr = body.lastIndexOf('\r');
  return cr === -1 ? body : body.slice(cr + 1);
}

function toLine(n: number, raw: string): LogLine {
  const { at, text } = splitStamp(raw);
  return { n, at, text: settleCarriageReturns(text) };
}

export class LogLines {
  private readonly done: LogLine[] = [];
  /** The raw text of the unfinished last line, stamp included. */
  private pending = '';
  private snapshot: LogLine[] | null = null;

  /** Adds the next chunk of stamped text. */
  push(text: string): void {
    if (text === '') return;
    this.snapshot = null;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      this.done.push(toLine(this.done.length + 1, this.pending + text.slice(start, nl)));
      this.pending = '';
      start = nl + 1;
    }
    const rest = start === 0 ? text : text.slice(start);
    this.pending += rest;
    if (rest.includes('\r')) this.pending = collapseRewrites(this.pending);
  }

  /** How many complete lines there are (the unfinished one not counted). */
  get completeCount(): number {
    return this.done.length;
  }

  /**
   * The lines so far, the unfinished last one included. The same array until the
   * next push; a new one after (it copies the array of line references, which
   * callers do once per rendered batch, not per chunk).
   */
  lines(): LogLine[] {
    if (this.snapshot) return this.snapshot;
    const partial = this.pending === '' || isStampPrefix(this.pending) ? null : this.pending;
    this.snapshot = partial === null ? this.done.slice() : [...this.done, toLine(this.done.length + 1, partial)];
    return this.snapshot;
  }
}

/**
 * Drops what a `\r` has already overwritten in the unfinished line, so a progress
 * bar that never prints a newline does not grow without bound. Keeps the stamp.
 */
function collapseRewrites(pending: string): string {
  let end = pending.length;
  while (end > 0 && pending.charCodeAt(end - 1) === 13) end--;
  const cr = pending.lastIndexOf('\r', end - 1);
  if (cr < STAMP_LENGTH) return pending; // nothing to drop, or the stamp itself is in the way
  const head = splitStamp(pending).at === null ? '' : pending.slice(0, STAMP_LENGTH);
  return head + pending.slice(cr + 1);
}

/** CSI sequences (colours, cursor moves), OSC sequences (titles, hyperlinks), and other two-byte escapes. */
export const ANSI_ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]/g;

/** The text a reader sees: without escape sequences. */
export function stripAnsi(text: string): string {
  return text.includes('\x1b') ? text.replace(ANSI_ESCAPES, '') : text;
}

/** A pattern matching `query` literally, ignoring case; `flags` adds to `iu` (`g` to find every match). */
export function literalPattern(query: string, flags = ''): RegExp {
  return new RegExp(query.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'), `iu${flags}`);
}

/** Plain text of coloured lines, computed once per line object (complete lines are shared across snapshots). */
const plainText = new WeakMap<LogLine, string>();

function plainOf(line: LogLine): string {
  if (!line.text.includes('\x1b')) return line.text; // most lines: cheaper than a WeakMap lookup
  let plain = plainText.get(line);
  if (plain === undefined) {
    plain = stripAnsi(line.text);
    plainText.set(line, plain);
  }
  return plain;
}

/** The numbers of the lines whose visible text contains `query`, ignoring case; none for an empty query. */
export function search(lines: readonly LogLine[], query: string, from = 0): number[] {
  if (query === '') return [];
  const pattern = literalPattern(query);
  const found: number[] = [];
  for (let i = from; i < lines.length; i++) if (pattern.test(plainOf(lines[i]!))) found.push(lines[i]!.n);
  return found;
}

/**
 * Searches as new lines arrive, looking only at what is new: while the lines
 * only grow (LogLines keeps complete lines as they are; just the unfinished
 * last one changes), the matches before it are kept.
 */
export class IncrementalSearch {
  private lines: readonly LogLine[] = [];
  private query = '';
  private matches: number[] = [];

  search(lines: readonly LogLine[], query: string): number[] {
    const prev = this.lines;
    const grew = query === this.query && lines.length >= prev.length && prev.length > 0 && lines[0] === prev[0];
    const k = prev.length - 2; // the last line known complete: unchanged if nothing before it changed
    if (grew && (k < 0 || lines[k] === prev[k])) {
      const from = prev.length - 1; // the old last line may have been unfinished: look again
      let kept = this.matches.length;
      while (kept > 0 && this.matches[kept - 1]! > from) kept--;
      this.matches = [...this.matches.slice(0, kept), ...search(lines, query, from)];
    } else {
      this.matches = search(lines, query);
    }
    this.lines = lines;
    this.query = query;
    return this.matches;
  }
}
