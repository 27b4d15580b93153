import { describe, expect, it } from 'vitest';
import { LineStamper, splitStamp, StampStripper } from './log-format';

const at = new Date('2026-12-04T10:00:00.123Z');
const S = '2026-12-04T10:00:00.123Z ';

describe('LineStamper', () => {
  it('stamps each line once, also when lines arrive in pieces', () => {
    const s = new LineStamper();
    expect(s.stamp('one\ntw', at)).toBe(`${S}one\n${S}tw`);
    expect(s.stamp('o\n', at)).toBe('o\n');
    expect(s.stamp('\nthree\n', at)).toBe(`${S}\n${S}three\n`);
    expect(s.stamp('', at)).toBe('');
  });
});

describe('StampStripper', () => {
  it('gives back the original text whatever the cuts', () => {
    const original = 'first line\n\nthird 2026 line\nlast without newline';
    const stamped = new LineStamper().stamp(original, at);
    for (let cut = 0; cut <= stamped.length; cut += 3) {
      const s = new StampStripper();
      expect(s.strip(stamped.slice(0, cut)) + s.strip(stamped.slice(cut)) + s.end()).toBe(original);
    }
  });

  it('leaves unstamped lines alone', () => {
    const s = new StampStripper();
    expect(s.strip('plain line\n') + s.end()).toBe('plain line\n');
  });
});

describe('splitStamp', () => {
  it('splits a stamped line', () => {
    expect(splitStamp(`${S}hello`)).toEqual({ at: '2026-12-04T10:00:00.123Z', text: 'hello' });
    expect(splitStamp('hello')).toEqual({ at: null, text: 'hello' });
  });
});
