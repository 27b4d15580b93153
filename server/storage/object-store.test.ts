import { describe, expect, it } from 'vitest';
import { LocalObjectStore, signLink, verifyLink, type ObjectLink } from './local-object-store';
import { attachmentDisposition, contentTypeFor } from './object-route';
import { checkKey } from './object-store';

describe('checkKey', () => {
  it('accepts relative paths of plain segments', () => {
    for (const key of ['a', 'logs/0f/1/00000001', 'artifacts/r-1/dist.tar.gz', 'a/.hidden', 'a/b..c']) {
      expect(checkKey(key)).toBe(key);
    }
  });

  it('refuses traversal, absolute paths, empty segments and odd characters', () => {
    const bad = [
      '',
      '../x',
      'a/../b',
      './a',
      'a/./b',
      '/abs',
      'a//b',
      'a/',
      '.a',
      'a b',
      'a\\b',
      'a?b',
      'é',
      'x'.repeat(1025),
    ];
    for (const key of bad) expect(() => checkKey(key), key).toThrow(/invalid object key/);
  });
});

describe('local link signatures', () => {
  const key = 'k'.repeat(32);
  const link: ObjectLink = { method: 'GET', key: 'logs/a/1.log', expires: 2_000_000_000 };
  const now = 1_900_000_000_000;

  it('is a hex HMAC-SHA256, the same for the same link', () => {
    expect(signLink(key, link)).toMatch(/^[0-9a-f]{64}$/);
    expect(signLink(key, link)).toBe(signLink(Buffer.from(key), { ...link }));
  });

  it('changes with every signed field and with the key', () => {
    const sig = signLink(key, link);
    const variants: ObjectLink[] = [
      { ...link, method: 'PUT' },
      { ...link, key: 'logs/a/2.log' },
      { ...link, expires: link.expires + 1 },
      { ...link, filename: 'build.log' },
    ];
    for (const v of variants) expect(signLink(key, v)).not.toBe(sig);
    expect(signLink('another key', link)).not.toBe(sig);
  });

  it('verifies its own signature, refuses a tampered one, and reports expiry', () => {
    const sig = signLink(key, link);
    expect(verifyLink(key, link, sig, now)).toBe('ok');
    expect(
      verifyLink(
        key,
        link,
        sig.replace(/^./, (c) => (c === '0' ? '1' : '0')),
        now,
      ),
    ).toBe('invalid');
    expect(verifyLink(key, link, sig.slice(1), now)).toBe('invalid');
    expect(verifyLink(key, { ...link, expires: link.expires + 3600 }, sig, now)).toBe('invalid');
    expect(verifyLink(key, link, sig, link.expires * 1000 + 1)).toBe('expired');
  });

  it('builds links the route can check', async () => {
    const store = new LocalObjectStore({
      dir: '/nonexistent',
      baseUrl: 'https://ci.example/',
      signingKey: key,
      now: () => now,
    });
    const url = new URL(await store.presignGet('artifacts/r/out.tgz', 60, { filename: 'out (1).tgz' }));
    expect(url.origin + url.pathname).toBe('https://ci.example/api/objects/artifacts/r/out.tgz');
    expect(url.searchParams.get('method')).toBe('GET');
    expect(url.searchParams.get('expires')).toBe(String(now / 1000 + 60));
    expect(url.searchParams.get('filename')).toBe('out (1).tgz');
    const signed: ObjectLink = {
      method: 'GET',
      key: 'artifacts/r/out.tgz',
      expires: now / 1000 + 60,
      filename: 'out (1).tgz',
    };
    expect(store.verify(signed, url.searchParams.get('sig') ?? '')).toBe('ok');
    await expect(store.presignPut('../x', 60)).rejects.toThrow(/invalid object key/);
  });
});

describe('response headers', () => {
  it('serves logs as text and everything else as bytes', () => {
    expect(contentTypeFor('logs/a/1/build.log')).toBe('text/plain; charset=utf-8');
    expect(contentTypeFor('artifacts/a/logs.tar')).toBe('application/octet-stream');
  });

  it('names downloads with an ASCII fallback and an RFC 5987 UTF-8 name', () => {
    expect(attachmentDisposition('résumé "v2".txt')).toBe(
      `attachment; filename="r_sum_ _v2_.txt"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22v2%22.txt`,
    );
  });
});
