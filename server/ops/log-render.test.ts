import { describe, expect, it } from 'vitest';
import { jsonLine, renderLine } from './log-render';

describe('process log rendering', () => {
  it('renders a pino record as time, process, level, message and fields', () => {
    const line = JSON.stringify({
      level: 40,
      time: '2026-12-03T10:11:12.000Z',
      proc: 'runner',
      pid: 1,
      msg: 'server unreachable',
      err: 'ECONNREFUSED',
      tries: 3,
    });
    expect(renderLine('runner', line)).toBe('10:11:12 runner    warn  server unreachable err=ECONNREFUSED tries=3');
  });

  it('passes other lines through with the prefix', () => {
    expect(renderLine('web', '✓ Ready in 600ms')).toMatch(/^\d\d:\d\d:\d\d web       ✓ Ready in 600ms$/);
    expect(renderLine('web', '{not json')).toMatch(/web {7}\{not json$/);
  });

  it('wraps plain lines as JSON records in json mode', () => {
    expect(JSON.parse(jsonLine('web', 'hello'))).toMatchObject({ proc: 'web', msg: 'hello', level: 30 });
    expect(JSON.parse(jsonLine('scheduler', '{"level":30,"msg":"ready"}'))).toMatchObject({
      proc: 'scheduler',
      msg: 'ready',
    });
  });
});
