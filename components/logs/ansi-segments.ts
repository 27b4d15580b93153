// One log line's text as styled pieces, ready to render as React elements (never
// as HTML): anser reads the SGR colour codes; links and search matches are
// ranges over the visible text, cut across the colour runs they overlap.
import Anser from 'anser';
import { literalPattern } from './log-lines';

/**
 * Style tokens, each the name of a class in log-viewer.module.css: `fg-red`,
 * `bg-bright-blue`, `bold`, `dim`, `italic`, `underline`, `strikethrough`, `hidden`.
 */
export type StyleToken = string;

export interface Piece {
  text: string;
  tokens: StyleToken[];
  /** An inline colour for 256-colour and true-colour codes (`rgb(…)`). */
  color?: string;
  background?: string;
  /** Inside a search match. */
  mark: boolean;
}

/** A run of pieces that is either a link (`href`) or plain text. */
export interface Span {
  href: string | null;
  pieces: Piece[];
}

interface Range {
  start: number;
  end: number;
}

type Styled = Omit<Piece, 'mark'>;

/** Escapes anser does not remove: OSC (titles, hyperlink wrappers) and two-byte escapes; CSI is left to anser. */
const NON_CSI = /\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]/g;
const DECORATIONS = new Set(['bold', 'dim', 'italic', 'underline', 'strikethrough', 'hidden']);

/** The xterm 256-colour palette above the 16 named colours. */
export function paletteColor(index: number): string {
  if (index >= 232) {
    const v = 8 + (index - 232) * 10;
    return `rgb(${v}, ${v}, ${v})`;
  }
  const i = index - 16;
  const level = (c: number) => (c === 0 ? 0 : 55 + c * 40);
  return `rgb(${level(Math.floor(i / 36))}, ${level(Math.floor(i / 6) % 6)}, ${level(i % 6)})`;
}

/** A colour from anser (`ansi-red`, `ansi-palette-196`, `ansi-truecolor`) as a class token or an inline colour. */
function colorOf(name: string | null, truecolor: string | null, layer: 'fg' | 'bg'): { token?: string; css?: string } {
  if (!name) return {};
  if (name === 'ansi-truecolor') return truecolor ? { css: `rgb(${truecolor})` } : {};
  const palette = /^ansi-palette-(\d+)$/.exec(name);
  if (palette) return { css: paletteColor(Number(palette[1])) };
  return { token: `${layer}-${name.slice('ansi-'.length)}` };
}

/** The line's visible text cut into runs of one style. */
export function styledRuns(text: string): Styled[] {
  if (!text.includes('\x1b')) return text === '' ? [] : [{ text, tokens: [] }];
  const entries = Anser.ansiToJson(text.replace(NON_CSI, ''), { use_classes: true, remove_empty: true });
  return entries
    .filter((e) => e.content !== '')
    .map((e) => {
      const fg = colorOf(e.fg, e.fg_truecolor, 'fg');
      const bg = colorOf(e.bg, e.bg_truecolor, 'bg');
      const tokens = [fg.token, bg.token, ...e.decorations.filter((d) => DECORATIONS.has(d))].filter(
        (t): t is string => t !== undefined,
      );
      return { text: e.content, tokens, color: fg.css, background: bg.css };
    });
}

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/g;

/** http(s) URLs in plain text, without the punctuation that usually ends a sentence around them. */
export function findLinks(plain: string): (Range & { href: string })[] {
  const links: (Range & { href: string })[] = [];
  for (const m of plain.matchAll(URL_PATTERN)) {
    let href = m[0];
    while (/[.,;:!?'"\]}]$/.test(href) || (href.endsWith(')') && !href.includes('('))) href = href.slice(0, -1);
    if (/^https?:\/\/./.test(href)) links.push({ start: m.index, end: m.index + href.length, href });
  }
  return links;
}

/** Where `query` occurs in plain text, ignoring case, without overlaps. */
export function findMatches(plain: string, query: string): Range[] {
  if (query === '') return [];
  return [...plain.matchAll(literalPattern(query, 'g'))].map((m) => ({ start: m.index, end: m.index + m[0].length }));
}

/** Whether `offset` lies in one of `ranges` (sorted), advancing `cursor` past ranges that end before it. */
function rangeAt<R extends Range>(ranges: R[], cursor: { i: number }, offset: number): R | null {
  while (cursor.i < ranges.length && ranges[cursor.i]!.end <= offset) cursor.i++;
  const r = ranges[cursor.i];
  return r && r.start <= offset ? r : null;
}

/** The next offset after `offset` at which a range starts or ends. */
function nextEdge(ranges: Range[], from: number, offset: number, limit: number): number {
  for (let i = from; i < ranges.length; i++) {
    const r = ranges[i]!;
    if (r.start > offset) return Math.min(r.start, limit);
    if (r.end > offset) return Math.min(r.end, limit);
  }
  return limit;
}

/** The line's text as spans of styled pieces, with links and the matches of `query` cut out. */
export function decorate(text: string, query: string): Span[] {
  const runs = styledRuns(text);
  const plain = runs.map((r) => r.text).join('');
  const links = plain.includes('http') ? findLinks(plain) : [];
  const marks = findMatches(plain, query);
  const spans: Span[] = [];
  /** Per span, where its link starts (-1 for plain text): two links never merge. */
  const spanStarts: number[] = [];
  const linkCursor = { i: 0 };
  const markCursor = { i: 0 };
  let offset = 0;
  for (const run of runs) {
    const runEnd = offset + run.text.length;
    while (offset < runEnd) {
      const link = rangeAt(links, linkCursor, offset);
      const mark = rangeAt(marks, markCursor, offset) !== null;
      const end = Math.min(
        nextEdge(links, linkCursor.i, offset, runEnd),
        nextEdge(marks, markCursor.i, offset, runEnd),
      );
      const piece: Piece = { ...run, text: plain.slice(offset, end), mark };
      const linkStart = link?.start ?? -1;
      if (spans.length > 0 && spanStarts.at(-1) === linkStart) spans.at(-1)!.pieces.push(piece);
      else {
        spans.push({ href: link?.href ?? null, pieces: [piece] });
        spanStarts.push(linkStart);
      }
      offset = end;
    }
  }
  return spans;
}
