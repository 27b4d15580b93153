import { describe, expect, it } from 'vitest';
import { LineStamper } from '@/server/contracts/log-format';
import { IncrementalSearch, LogLines, search, settleCarriageReturns, stripAnsi, type LogLine } from './log-lines';

const T1 = '2026-12-04T16:30:00.123Z';
const T2 = '2026-12-04T16:30:01.456Z';

function linesOf(...chunks: string[]): LogLine[] {
  const log = new LogLines();
  for (const c of chunks) log.push(c);
  return log.lines();
}

describe('LogLines', () => {
  it('splits stamped text into numbered lines with their moment', () => {
    expect(linesOf(`${T1} hello\n${T2} world\n`)).toEqual([
      { n: 1, at: T1, text: 'hello' },
      { n: 2, at: T2, text: 'world' },
    ]);
  });

  it('gives the same lines however the text is cut, even mid-stamp', () => {
    const text = `${T1} first line\n${T2} \x1b[31msecond\x1b[0m\n${T2} \n${T1} last, unfinished`;
    const whole = linesOf(text);
    for (let size = 1; size <= 30; size++) {
      const chunks: string[] = [];
      for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
      expect(linesOf(...chunks)).toEqual(whole);
    }
    expect(whole.map((l) => l.text)).toEqual(['first line', '\x1b[31msecond\x1b[0m', '', 'last, unfinished']);
  });

  it('shows the unfinished last line, then replaces it once its newline arrives', () => {
    const log = new LogLines();
    log.push(`${T1} downloading`);
    expect(log.lines()).toEqual([{ n: 1, at: T1, text: 'downloading' }]);
    log.push(` done\n${T2} next`);
    expect(log.lines()).toEqual([
      { n: 1, at: T1, text: 'downloading done' },
      { n: 2, at: T2, text: 'next' },
    ]);
    expect(log.completeCount).toBe(1);
  });

  it('hides an unfinished line that is only part of a stamp so far', () => {
    const log = new LogLines();
    log.push(`${T1} one\n2026-12-04T16:3`);
    expect(log.lines()).toHaveLength(1);
    log.push(`0:00.123Z two`);
    expect(log.lines().at(-1)).toEqual({ n: 2, at: T1, text: 'two' });
  });

  it('keeps lines without a stamp, with a null moment', () => {
    expect(linesOf('plain\n\n')).toEqual([
      { n: 1, at: null, text: 'plain' },
      { n: 2, at: null, text: '' },
    ]);
  });

  it('reads what LineStamper writes', () => {
    const stamper = new LineStamper();
    const at = new Date(T1);
    const text = stamper.stamp('a\nb', at) + stamper.stamp('c\n', at);
    expect(linesOf(text)).toEqual([
      { n: 1, at: T1, text: 'a' },
      { n: 2, at: T1, text: 'bc' },
    ]);
  });

  it('treats \\r like a terminal: the text after the last rewrite', () => {
    expect(linesOf(`${T1} 10%\r50%\r100%\n`)[0]!.text).toBe('100%');
    expect(linesOf(`${T1} windows\r\n`)[0]!.text).toBe('windows');
    expect(linesOf(`${T1} 10%\r`, '20%\r', '30%')[0]!.text).toBe('30%');
    expect(linesOf(`${T1} 10%\r`, '\n')[0]!.text).toBe('10%');
  });

  it('keeps an unfinished progress line small however often it is rewritten', () => {
    const log = new LogLines();
    log.push(`${T1} `);
    for (let i = 0; i < 10_000; i++) log.push(`\rprogress ${i}`);
    expect(log.lines()).toEqual([{ n: 1, at: T1, text: 'progress 9999' }]);
    expect((log as unknown as { pending: string }).pending.length).toBeLessThan(60);
  });

  it('returns the same array until something new arrives', () => {
    const log = new LogLines();
    log.push(`${T1} a\n`);
    const first = log.lines();
    expect(log.lines()).toBe(first);
    log.push(`${T1} b\n`);
    const second = log.lines();
    expect(second).not.toBe(first);
    expect(second[0]).toBe(first[0]); // complete lines are shared, not rebuilt
  });

  it('takes 100,000 lines in 4 KiB chunks, lines cut between chunks joined whole', () => {
    const line = `${T1} \x1b[32mstep\x1b[0m compiling module number something or other\n`;
    const text = line.repeat(100_000);
    const log = new LogLines();
    for (let i = 0; i < text.length; i += 4096) log.push(text.slice(i, i + 4096));
    const lines = log.lines();
    expect(lines).toHaveLength(100_000);
    expect(lines.every((l, i) => l.n === i + 1)).toBe(true);
    // No line came out cut in two: every one of them holds the whole text.
    expect(search(lines, 'step compiling module number something or other')).toHaveLength(100_000);
  });
});

describe('settleCarriageReturns', () => {
  it('keeps text without \\r as it is', () => {
    expect(settleCarriageReturns('abc')).toBe('abc');
    expect(settleCarriageReturns('')).toBe('');
    expect(settleCarriageReturns('a\r\r')).toBe('a');
    expect(settleCarriageReturns('a\rb\r')).toBe('b');
  });
});

describe('stripAnsi', () => {
  it('removes colour codes, cursor moves, OSC sequences and other escapes', () => {
    expect(stripAnsi('\x1b[1;31mred\x1b[0m \x1b[38;5;196mx\x1b[38;2;1;2;3my\x1b[m')).toBe('red xy');
    expect(stripAnsi('a\x1b[2Kb\x1b[1Ac')).toBe('abc');
    expect(stripAnsi('\x1b]0;title\x07x\x1b]8;;https://e.com\x1b\\link\x1b]8;;\x1b\\')).toBe('xlink');
    expect(stripAnsi('no escapes')).toBe('no escapes');
  });
});

describe('search', () => {
  const lines = linesOf(`${T1} Error: boom\n${T1} \x1b[31mERR\x1b[0mOR again\n${T1} fine\n${T1} 31m\n`);

  it('finds lines by their visible text, ignoring case and colour codes', () => {
    expect(search(lines, 'error')).toEqual([1, 2]);
    expect(search(lines, '31m')).toEqual([4]);
    expect(search(lines, 'nothing')).toEqual([]);
  });

  it('finds nothing for an empty query and treats the query literally', () => {
    expect(search(lines, '')).toEqual([]);
    expect(search(linesOf('a.b\naxb\n(x)\n'), 'a.b')).toEqual([1]);
    expect(search(linesOf('a.b\naxb\n(x)\n'), '(x')).toEqual([3]);
  });

  it('finds the one match among 100,000 coloured lines', () => {
    // How fast is measured in a real browser (e2e/performance.spec.ts), not here.
    const many = linesOf(`${T1} \x1b[32mok\x1b[0m line of ordinary build output\n`.repeat(100_000) + `${T1} needle\n`);
    expect(search(many, 'needle')).toEqual([100_001]);
    expect(search(many, 'OK LINE')).toHaveLength(100_000);
  });
});

describe('IncrementalSearch', () => {
  it('finds what a full search finds while lines arrive, the unfinished one included', () => {
    const text = `${T1} error one\n${T1} ok\n${T1} err`.concat('or in a partial line\n', `${T1} ERROR\r`, 'fixed\n');
    const log = new LogLines();
    const searcher = new IncrementalSearch();
    for (let i = 0; i < text.length; i += 3) {
      log.push(text.slice(i, i + 3));
      expect(searcher.search(log.lines(), 'error')).toEqual(search(log.lines(), 'error'));
    }
    expect(searcher.search(log.lines(), 'error')).toEqual([1, 3]);
  });

  it('starts over for another query or another log', () => {
    const searcher = new IncrementalSearch();
    const a = linesOf(`${T1} alpha\n${T1} beta\n${T1} alpha\n`);
    expect(searcher.search(a, 'alpha')).toEqual([1, 3]);
    expect(searcher.search(a, 'beta')).toEqual([2]);
    expect(searcher.search(linesOf(`${T1} beta\n`), 'beta')).toEqual([1]);
  });

  it('keeps up with a live log of 100,000 coloured lines', () => {
    const log = new LogLines();
    log.push(`${T1} \x1b[32mok\x1b[0m line of ordinary build output\n`.repeat(100_000));
    const searcher = new IncrementalSearch();
    // Count the lines each search reads: a batch of new lines must not re-read the 100,000 before it.
    let reads = 0;
    const counted = (lines: readonly LogLine[]) =>
      new Proxy(lines, {
        get(target, key, receiver) {
          if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
          return Reflect.get(target, key, receiver);
        },
      });
    searcher.search(counted(log.lines()), 'needle');
    expect(reads).toBeGreaterThanOrEqual(100_000); // the first search reads everything
    let mostReads = 0;
    for (let i = 0; i < 100; i++) {
      log.push(`${T1} needle ${i}\n`);
      reads = 0;
      searcher.search(counted(log.lines()), 'needle');
      mostReads = Math.max(mostReads, reads);
    }
    expect(mostReads).toBeLessThan(10); // the new line, the old last one, and the checks that nothing before changed
    expect(searcher.search(log.lines(), 'needle')).toEqual(search(log.lines(), 'needle'));
    expect(searcher.search(log.lines(), 'needle')).toHaveLength(100);
  });
});
