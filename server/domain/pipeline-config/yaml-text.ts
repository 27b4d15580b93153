// Scanning YAML text for the readers, above all for what js-yaml does not tell
// the fast reader's listener.
import type { Pos } from './issues';

/**
 * Skips what js-yaml skips before a node's content: spaces, line breaks,
 * comments and anchors. -1 where yaml may read the text differently: a tag, an
 * anchor not followed by a space (`&a{`, yaml refuses it), or two anchors.
 */
export function contentStart(text: string, i: number): number {
  return skipToContent(text, i, false);
}

/** Where the last anchor before a node's content starts (its '&'), or -1. */
export function anchorStart(text: string, i: number): number {
  return skipToContent(text, i, true);
}

function skipToContent(text: string, i: number, anchor: boolean): number {
  let at = -1;
  for (;;) {
    let c = text.charCodeAt(i);
    while (c === 0x20 || c === 0x0a || c === 0x0d) c = text.charCodeAt(++i);
    if (c === 0x23) {
      while (i < text.length && c !== 0x0a && c !== 0x0d) c = text.charCodeAt(++i);
    } else if (c === 0x21) {
      // A tag: js-yaml tells the listener only of some.
      return -1;
    } else if (c === 0x26) {
      if (at !== -1) return -1;
      at = i;
      while (i < text.length && !' \n\r,[]{}'.includes(text[i]!)) i++;
      if (i < text.length && !isSpace(text.charCodeAt(i))) return -1;
    } else {
      return anchor ? at : i;
    }
  }
}

/**
 * Whether the plain scalar at `start` begins its line and the comment lines
 * right above it are indented less: yaml then reads the scalar as if the
 * collection around it had ended (`a:\n#c\n x\nb: 1` is an error to it).
 */
export function shallowCommentAbove(text: string, start: number): boolean {
  let lineStart = start;
  while (lineStart > 0 && text.charCodeAt(lineStart - 1) === 0x20) lineStart--;
  if (lineStart > 0 && text.charCodeAt(lineStart - 1) !== 0x0a) return false;
  const column = start - lineStart;
  while (lineStart > 0) {
    // The line before ends with the '\n' at lineStart - 1.
    const previous = lineStart === 1 ? 0 : text.lastIndexOf('\n', lineStart - 2) + 1;
    const line = text.slice(previous, lineStart - 1).trimEnd();
    const content = line.trimStart();
    if (content.startsWith('#')) {
      if (line.length - content.length < column) return true;
    } else if (content !== '') {
      return false;
    }
    lineStart = previous;
  }
  return false;
}

/** Whether there is a line break in text[from, to): without looking past `to` (long lines are allowed). */
export function hasNewline(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 0x0a) return true;
  return false;
}

/** Line and column of an offset; lines end at '\n' (a lone '\r' never gets here). */
export function lineIndex(text: string): (offset: number) => Pos {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - starts[low]! + 1 };
  };
}

/**
 * Whether a '#' right after a non-space character starts a comment. js-yaml
 * reads one there after a quote or a flow indicator (`"a"#b`, `[a,#b]`); yaml
 * refuses it. `spans` holds the start and end of every scalar with a '#' in it
 * (`a#b` is text); a '#' after a comment's own start is part of the comment.
 */
export function strayComment(text: string, spans: [number, number][]): boolean {
  let sorted: [number, number][] | undefined;
  const inScalar = (i: number) => {
    sorted ??= [...spans].sort((a, b) => a[0] - b[0]);
    let low = 0;
    let high = sorted.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const [start, end] = sorted[mid]!;
      if (i < start) high = mid - 1;
      else if (i >= end) low = mid + 1;
      else return true;
    }
    return false;
  };
  for (let i = text.indexOf('#', 1); i !== -1; i = text.indexOf('#', i + 1)) {
    if (isSpace(text.charCodeAt(i - 1)) || inScalar(i)) continue;
    if (firstComment(text, text.lastIndexOf('\n', i) + 1, i, inScalar) === -1) return true;
    // The rest of the line is a comment.
    i = text.indexOf('\n', i);
    if (i === -1) break;
  }
  return false;
}

function firstComment(text: string, from: number, to: number, inScalar: (i: number) => boolean): number {
  for (let j = text.indexOf('#', from); j !== -1 && j < to; j = text.indexOf('#', j + 1))
    if ((j === from || isSpace(text.charCodeAt(j - 1))) && !inScalar(j)) return j;
  return -1;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d;
}

/** A block scalar's header: style, chomping, and maybe a comment. */
const BLOCK_HEADER = /^[|>][+-]?(?: +#.*)? *\r?$/;

/**
 * Whether the block scalar starting at `start` has no indentation indicator
 * (`|2`) and its first line of text is indented more than its header's line:
 * there the two libraries agree on what belongs to it.
 */
export function plainBlockScalar(text: string, start: number): boolean {
  const end = text.indexOf('\n', start);
  if (end === -1 || !BLOCK_HEADER.test(text.slice(start, end))) return false;
  const header = indentAt(text, text.lastIndexOf('\n', start) + 1);
  for (let line = end + 1; line < text.length; line = text.indexOf('\n', line) + 1 || text.length) {
    const n = indentAt(text, line);
    const c = text.charCodeAt(line + n);
    if (c !== 0x0a && c !== 0x0d && line + n < text.length) return n > header;
  }
  return true;
}

function indentAt(text: string, lineStart: number): number {
  let i = lineStart;
  while (text.charCodeAt(i) === 0x20) i++;
  return i - lineStart;
}
