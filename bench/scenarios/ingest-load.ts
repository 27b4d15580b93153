// The load generator of the webhook ingest scenario, run as its own process
// so that sending never competes with the bench's event loop (which holds
// the live subscriptions and the Prisma pool) and the server sees traffic
// from outside, as from GitHub. Open loop: each request leaves at its
// scheduled moment whether or not earlier ones have been answered, so a slow
// server shows as latency instead of silently lowering the rate.
//
// Input (stdin, JSON): a LoadPlan. Output (stdout, JSON): a LoadReport.
// Loopback only: it refuses any other host.
import crypto from 'node:crypto';
import { text } from 'node:stream/consumers';

export interface LoadPlan {
  /** The web server, e.g. http://127.0.0.1:3000 */
  url: string;
  repo: string;
  cloneUrl: string;
  secret: string;
  /** Commits to push, used in turn. */
  shas: string[];
  /** Requests per second, one step after another. */
  rates: number[];
  secondsPerRate: number;
  /** A step whose p99 passes this stops the ladder: higher rates would only pile up runs. */
  giveUpAboveP99Ms: number;
}

export interface RateReport {
  rate: number;
  sent: number;
  /** Per request, from the moment it was sent to the end of its response body. */
  latenciesMs: number[];
  /** HTTP status (or "error: …") → count. */
  statuses: Record<string, number>;
  /** How late the generator sent its most delayed request: large values mean the generator, not the server, lagged. */
  maxSendLagMs: number;
  seconds: number;
}

export interface LoadReport {
  warmup: number;
  steps: RateReport[];
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

function pushDelivery(plan: LoadPlan, sha: string): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify({
    ref: 'refs/heads/main',
    before: '0'.repeat(39) + '1',
    after: sha,
    created: false,
    deleted: false,
    repository: { full_name: `bench/${plan.repo}`, clone_url: plan.cloneUrl },
    head_commit: { id: sha, timestamp: new Date().toISOString(), message: 'bench' },
    pusher: { name: 'bench' },
    sender: { login: 'bench' },
  });
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-github-delivery': crypto.randomUUID(), // fresh each time: every delivery is a new push
      'x-hub-signature-256': `sha256=${crypto.createHmac('sha256', plan.secret).update(body).digest('hex')}`,
    },
  };
}

async function send(plan: LoadPlan, sha: string): Promise<{ status: string; ms: number }> {
  const { body, headers } = pushDelivery(plan, sha);
  const t0 = performance.now();
  try {
    const res = await fetch(`${plan.url}/api/webhooks/github?repo=${encodeURIComponent(plan.repo)}`, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(10_000),
    });
    await res.arrayBuffer();
    return { status: String(res.status), ms: performance.now() - t0 };
  } catch (err) {
    return { status: `error: ${(err as Error).message}`, ms: performance.now() - t0 };
  }
}

async function step(plan: LoadPlan, rate: number): Promise<RateReport> {
  const n = Math.round(rate * plan.secondsPerRate);
  const gapMs = 1000 / rate;
  const start = performance.now();
  const inFlight: Promise<{ status: string; ms: number }>[] = [];
  let maxSendLagMs = 0;
  for (let i = 0; i < n; i++) {
    const due = start + i * gapMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    maxSendLagMs = Math.max(maxSendLagMs, performance.now() - due);
    inFlight.push(send(plan, plan.shas[i % plan.shas.length]!));
  }
  const results = await Promise.all(inFlight);
  const statuses: Record<string, number> = {};
  for (const r of results) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  return {
    rate,
    sent: n,
    latenciesMs: results.map((r) => r.ms),
    statuses,
    maxSendLagMs,
    seconds: (performance.now() - start) / 1000,
  };
}

function p99(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.99 * s.length) - 1)] ?? NaN;
}

const plan = JSON.parse(await text(process.stdin)) as LoadPlan;
if (!LOOPBACK.has(new URL(plan.url).hostname)) throw new Error(`refusing to send load to ${plan.url}: loopback only`);
// A few requests one at a time first: connections open and the route's first-use costs are paid outside the figures.
const warmup = 3;
for (let i = 0; i < warmup; i++) await send(plan, plan.shas[0]!);
const steps: RateReport[] = [];
for (const rate of plan.rates) {
  const r = await step(plan, rate);
  steps.push(r);
  if (p99(r.latenciesMs) > plan.giveUpAboveP99Ms) break;
  await new Promise((res) => setTimeout(res, 1_000)); // let the scheduler plan the last runs before the next step
}
process.stdout.write(`${JSON.stringify({ warmup, steps } satisfies LoadReport)}\n`);
