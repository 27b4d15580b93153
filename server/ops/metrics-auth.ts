// Who may read /api/metrics: everyone when METRICS_TOKEN is unset (the
// figures hold no secrets), otherwise only a request with
// `Authorization: Bearer <METRICS_TOKEN>`, compared in constant time.
import crypto from 'node:crypto';

export function metricsAuthorized(authorization: string | null, token: string | undefined): boolean {
  if (!token) return true;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) return false;
  const given = crypto.createHash('sha256').update(match[1]!).digest();
  const expected = crypto.createHash('sha256').update(token).digest();
  return crypto.timingSafeEqual(given, expected);
}
