// AUTH_SECRET for a single-machine install: generated once and kept in
// DATA_DIR (mode 600) when the environment does not set one.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export function localAuthSecret(dataDir: string): string {
  const file = path.join(dataDir, 'auth-secret');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const secret = crypto.randomBytes(32).toString('base64url');
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o711 });
  fs.writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return secret;
}
