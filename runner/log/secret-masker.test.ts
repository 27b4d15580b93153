import { describe, expect, it } from 'vitest';
import { MASK, SecretMasker } from './secret-masker';

/** Feeds `pieces` one by one, as a process's output arrives, and returns everything shown. */
function shown(secrets: string[], pieces: string[]): string {
  const m = new SecretMasker(secrets);
  return pieces.map((p) => m.push(p)).join('') + m.flush();
}

describe('SecretMasker', () => {
  it('masks a secret in one piece', () => {
    expect(shown(['hunter2'], ['password is hunter2\n'])).toBe(`password is ${MASK}\n`);
  });

  it('masks a secret split across two writes, at every possible cut', () => {
    const text = 'token=s3cr3t-value; done\n';
    for (let cut = 0; cut <= text.length; cut++) {
      expect(shown(['s3cr3t-value'], [text.slice(0, cut), text.slice(cut)])).toBe(`token=${MASK}; done\n`);
    }
  });

  it('masks a secret split into single characters', () => {
    expect(shown(['abcdef'], [...'x abcdef y'])).toBe(`x ${MASK} y`);
  });

  it('holds back only what could still become a secret', () => {
    const m = new SecretMasker(['abcdef']);
    expect(m.push('hello ab')).toBe('hello ');
    expect(m.push('X')).toBe('abX');
  });

  it('masks every occurrence, and a longer secret containing a shorter one whole', () => {
    expect(shown(['abc', 'abcdef'], ['abcdef abc abcabc'])).toBe(`${MASK} ${MASK} ${MASK}${MASK}`);
  });

  it('masks each line of a multi-line secret and ignores values too short to mask', () => {
    expect(shown(['-----BEGIN KEY-----\nMIIEpAIBAAKCAQEA\n-----END KEY-----', 'ab'], ['MIIEpAIBAAKCAQEA ab\n'])).toBe(
      `${MASK} ab\n`,
    );
  });

  it('passes text through untouched without secrets', () => {
    expect(shown([], ['a', 'b'])).toBe('ab');
  });
});
