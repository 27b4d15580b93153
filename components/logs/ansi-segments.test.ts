import { describe, expect, it } from 'vitest';
import { decorate, findLinks, findMatches, paletteColor, styledRuns, type Span } from './ansi-segments';
import { stripAnsi } from './log-lines';

/** Spans in a compact form: text, with [mark] and {tokens} and <href> shown. */
function show(spans: Span[]): string[] {
  return spans.map((s) => {
    const body = s.pieces
      .map((p) => {
        const style = [...p.tokens, p.color, p.background].filter(Boolean).join(' ');
        const text = style ? `{${style}:${p.text}}` : p.text;
        return p.mark ? `[${text}]` : text;
      })
      .join('');
    return s.href ? `<${s.href}>${body}` : body;
  });
}

describe('styledRuns', () => {
  it('turns the 16 colours into class tokens and the rest into inline colours', () => {
    expect(styledRuns('\x1b[31mred\x1b[0m plain \x1b[1;92mbold\x1b[m')).toEqual([
      { text: 'red', tokens: ['fg-red'], color: undefined, background: undefined },
      { text: ' plain ', tokens: [], color: undefined, background: undefined },
      { text: 'bold', tokens: ['fg-bright-green', 'bold'], color: undefined, background: undefined },
    ]);
    expect(styledRuns('\x1b[38;5;196ma\x1b[48;2;1;2;3mb')).toEqual([
      { text: 'a', tokens: [], color: 'rgb(255, 0, 0)', background: undefined },
      { text: 'b', tokens: [], color: 'rgb(255, 0, 0)', background: 'rgb(1, 2, 3)' },
    ]);
    expect(styledRuns('\x1b[44;3;4mx')[0]!.tokens).toEqual(['bg-blue', 'italic', 'underline']);
  });

  it('shows exactly the text stripAnsi leaves', () => {
    const samples = [
      'plain',
      '\x1b[31mred\x1b[0m and \x1b[1mbold',
      'a\x1b[2Kb\x1b[1Ac',
      '\x1b]0;title\x07x\x1b]8;;https://e.com\x1b\\link\x1b]8;;\x1b\\',
      '<b>not html</b> & more',
      '\x1b[0m',
      '',
    ];
    for (const s of samples)
      expect(
        styledRuns(s)
          .map((r) => r.text)
          .join(''),
      ).toBe(stripAnsi(s));
  });
});

describe('paletteColor', () => {
  it('follows the xterm cube and grey ramp', () => {
    expect(paletteColor(16)).toBe('rgb(0, 0, 0)');
    expect(paletteColor(231)).toBe('rgb(255, 255, 255)');
    expect(paletteColor(67)).toBe('rgb(95, 135, 175)');
    expect(paletteColor(232)).toBe('rgb(8, 8, 8)');
    expect(paletteColor(255)).toBe('rgb(238, 238, 238)');
  });
});

describe('findLinks', () => {
  it('finds http(s) URLs without the punctuation around them', () => {
    const text = 'see https://example.com/a?b=1, (http://x.io/y) and https://en.wikipedia.org/wiki/A_(b).';
    expect(findLinks(text).map((l) => l.href)).toEqual([
      'https://example.com/a?b=1',
      'http://x.io/y',
      'https://en.wikipedia.org/wiki/A_(b)',
    ]);
  });

  it('ignores other schemes and bare prefixes', () => {
    expect(findLinks('javascript:alert(1) ftp://x https:// file:///etc')).toEqual([]);
  });
});

describe('findMatches', () => {
  it('finds every match, ignoring case', () => {
    expect(findMatches('Error error ERROR', 'error')).toEqual([
      { start: 0, end: 5 },
      { start: 6, end: 11 },
      { start: 12, end: 17 },
    ]);
    expect(findMatches('aaa', 'aa')).toEqual([{ start: 0, end: 2 }]);
    expect(findMatches('abc', '')).toEqual([]);
  });
});

describe('decorate', () => {
  it('marks matches across colour runs', () => {
    expect(show(decorate('\x1b[31mfail\x1b[0med here', 'led'))).toEqual(['{fg-red:fai}[{fg-red:l}][ed] here']);
  });

  it('makes links of URLs, even when a colour changes inside them', () => {
    const spans = decorate('open \x1b[4mhttps://ci.example.com/\x1b[0mruns/1 now', '');
    expect(show(spans)).toEqual([
      'open ',
      '<https://ci.example.com/runs/1>{underline:https://ci.example.com/}runs/1',
      ' now',
    ]);
  });

  it('marks matches inside links', () => {
    expect(show(decorate('at https://x.io/error', 'error'))).toEqual([
      'at ',
      '<https://x.io/error>https://x.io/[error]',
    ]);
  });

  it('keeps two adjacent links apart', () => {
    expect(decorate('https://a.io https://a.io', '').filter((s) => s.href)).toHaveLength(2);
  });

  it('returns nothing for an empty line and one plain span otherwise', () => {
    expect(decorate('', 'x')).toEqual([]);
    expect(show(decorate('just text', ''))).toEqual(['just text']);
  });
});
