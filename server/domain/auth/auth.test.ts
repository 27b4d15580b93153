import { describe, expect, it } from 'vitest';
import { generatePassword, hashPassword, verifyPassword } from './password';
import { hasRole } from './roles';
import { createSecretBox } from './secret-box';
import { hashToken, newToken, tokenKind } from './tokens';

describe('passwords', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('correct horse');
    expect(hash.startsWith('scrypt$15$8$1$')).toBe(true);
    expect(await verifyPassword('correct horse', hash)).toBe(true);
    expect(await verifyPassword('correct horsf', hash)).toBe(false);
  });

  it('salts: the same password hashes differently', async () => {
    expect(await hashPassword('same')).not.toBe(await hashPassword('same'));
  });

  it('refuses malformed hashes instead of throwing', async () => {
    expect(await verifyPassword('x', 'plain-text')).toBe(false);
    expect(await verifyPassword('x', 'bcrypt$1$2$3$4$5')).toBe(false);
  });

  it('generates typeable passwords without ambiguous characters', () => {
    const p = generatePassword();
    expect(p).toHaveLength(20);
    expect(p).not.toMatch(/[0O1lI]/);
  });
});

describe('tokens', () => {
  it('carries its kind in a prefix and is stored as sha256', () => {
    const t = newToken('runner');
    expect(tokenKind(t.token)).toBe('runner');
    expect(t.hash).toBe(hashToken(t.token));
    expect(t.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(t.token.startsWith(t.prefix)).toBe(true);
    expect(tokenKind('ghp_something')).toBeUndefined();
  });

  it('is random', () => {
    expect(newToken('api').token).not.toBe(newToken('api').token);
  });
});

describe('roles', () => {
  it('orders viewer < developer < deployer < admin', () => {
    expect(hasRole('admin', 'deployer')).toBe(true);
    expect(hasRole('deployer', 'developer')).toBe(true);
    expect(hasRole('developer', 'deployer')).toBe(false);
    expect(hasRole('viewer', 'developer')).toBe(false);
    expect(hasRole('viewer', 'viewer')).toBe(true);
  });
});

describe('secret box', () => {
  const box = createSecretBox('a-long-enough-server-secret');

  it('round-trips and never stores the plain text', () => {
    const sealed = box.seal('s3cret value');
    expect(sealed).not.toContain('s3cret');
    expect(box.open(sealed)).toBe('s3cret value');
    expect(box.seal('same')).not.toBe(box.seal('same'));
  });

  it('refuses tampered data and another server key', () => {
    const sealed = box.seal('value');
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow();
    expect(() => createSecretBox('another-long-server-secret').open(sealed)).toThrow();
  });

  it('refuses a short server secret', () => {
    expect(() => createSecretBox('short')).toThrow(/16 characters/);
  });
});
