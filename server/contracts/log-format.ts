// How a stored log reads: every line starts with the moment the runner saw it
// (an ISO timestamp with milliseconds and a space), like GitHub's raw logs.
// Runner, server, CLI and dashboard share this one definition.

/** `2026-12-04T16:30:00.123Z ` */
export const STAMP_LENGTH = 25;
const STAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z $/;

export function formatStamp(at: Date): string {
  return `${at.toISOString()} `;
}

/** Prefixes each line that starts in `text` with a timestamp; keeps its state across calls. */
export class LineStamper {
  private atLineStart = true;

  stamp(text: string, at: Date): string {
    if (text === '') return '';
    const stamp = formatStamp(at);
    const endsLine = text.endsWith('\n');
    const body = endsLine ? text.slice(0, -1) : text;
    const out = (this.atLineStart ? stamp : '') + body.replaceAll('\n', `\n${stamp}`) + (endsLine ? '\n' : '');
    this.atLineStart = endsLine;
    return out;
  }
}

/** A stamped log line split into its moment and its text (a line without a stamp keeps `at` null). */
export function splitStamp(line: string): { at: string | null; text: string } {
  const head = line.slice(0, STAMP_LENGTH);
  return STAMP.test(head) ? { at: head.slice(0, -1), text: line.slice(STAMP_LENGTH) } : { at: null, text: line };
}

/** Removes the timestamps from a stream of stamped text cut anywhere; keeps its state across calls. */
export class StampStripper {
  private pending = '';
  private atLineStart = true;

  strip(text: string): string {
    let input = this.pending + text;
    this.pending = '';
    let out = '';
    while (input.length > 0) {
      if (this.atLineStart) {
        if (input.length < STAMP_LENGTH && !input.includes('\n')) {
          this.pending = input; // wait for the rest of the stamp
          return out;
        }
        if (STAMP.test(input.slice(0, STAMP_LENGTH))) input = input.slice(STAMP_LENGTH);
      }
      const nl = input.indexOf('\n');
      if (nl === -1) {
        out += input;
        this.atLineStart = false;
        return out;
      }
      out += input.slice(0, nl + 1);
      input = input.slice(nl + 1);
      this.atLineStart = true;
    }
    return out;
  }

  /** What is held back at the end of the stream. */
  end(): string {
    const rest = this.pending;
    this.pending = '';
    return rest;
  }
}
