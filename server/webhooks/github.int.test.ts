// Real GitHub payloads (@octokit/webhooks-examples), signed with the repo's
// secret, against a real local git repository: each delivery makes exactly
// one run, or nothing, and says why.
import crypto from 'node:crypto';
import examples from '@octokit/webhooks-examples';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../tests/db';
import { createGitRepo, type TestRepo } from '../../tests/git-repo';
import { testServices, type TestServices } from '../../tests/services';
import { createRepo } from '../domain/repo/repos';
import { handleGithubWebhook } from './github';

const PIPELINE = `stages: [build, test]
jobs:
  compile:
    stage: build
    script: echo build
  unit:
    stage: test
    script: echo test
`;

const CYCLE = `stages: [build]
jobs:
  a:
    stage: build
    script: echo a
    needs: [c]
  b:
    stage: build
    script: echo b
    needs: [a]
  c:
    stage: build
    script: echo c
    needs: [b]
`;

type Example = Record<string, unknown> & { action?: string };
function payloads(event: string): Example[] {
  const all = examples as unknown as { name: string; examples: Example[] }[];
  return structuredClone(all.find((e) => e.name === event)!.examples);
}

let db: TestDatabase;
let services: TestServices;
let repo: TestRepo;
let secret: string;
let mainSha: string;

function sign(body: string, key = secret) {
  return `sha256=${crypto.createHmac('sha256', key).update(body).digest('hex')}`;
}

async function deliver(
  event: string,
  payload: unknown,
  opts: { id?: string; signature?: string | null; body?: string; query?: string } = {},
) {
  const body = opts.body ?? JSON.stringify(payload);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-github-event': event,
    'x-github-delivery': opts.id ?? crypto.randomUUID(),
  };
  const signature = opts.signature === undefined ? sign(body) : opts.signature;
  if (signature !== null) headers['x-hub-signature-256'] = signature;
  const res = await handleGithubWebhook(
    services,
    new Request(`http://localhost/api/webhooks/github${opts.query ?? ''}`, { method: 'POST', headers, body }),
  );
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

async function counts() {
  const [runs, deliveries] = await Promise.all([db.prisma.pipelineRun.count(), db.prisma.webhookDelivery.count()]);
  return { runs, deliveries };
}

beforeAll(async () => {
  db = await createTestDatabase();
  services = await testServices(db.prisma, db.url);
  repo = createGitRepo({ '.ci/pipeline.yml': PIPELINE, 'README.md': 'hello' });
  mainSha = repo.sha();
  const created = await createRepo(db.prisma, services.box, { name: 'Codertocat/Hello-World', cloneUrl: repo.url });
  secret = created.webhookSecret;
});
afterAll(async () => {
  await services.close();
  await db.drop();
  repo.remove();
});

describe('push', () => {
  it('a branch push makes exactly one pending run with trigger, SHA and branch, and queues its planning', async () => {
    const payload = payloads('push').find((p) => p.ref === 'refs/heads/master' && !p.deleted)!;
    payload.after = mainSha;
    const res = await deliver('push', payload);
    expect(res.status).toBe(202);
    expect(res.body.outcome).toBe('run_created');
    const runs = await db.prisma.pipelineRun.findMany({ where: { id: res.body.runId as string } });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      trigger: 'push',
      commitSha: mainSha,
      branch: 'master',
      tag: null,
      prNumber: null,
      status: 'pending',
      number: 1,
      actor: 'Codertocat',
    });
    expect(runs[0]!.configText).toBe(PIPELINE);
    expect(runs[0]!.config).not.toBeNull();
    const events = await db.prisma.runEvent.findMany({ where: { runId: runs[0]!.id } });
    expect(events).toMatchObject([{ kind: 'run.status', toStatus: 'pending' }]);
    const queued = await db.pg.query(`SELECT data FROM pgboss.job WHERE name = 'plan-run' AND data->>'runId' = $1`, [
      runs[0]!.id,
    ]);
    expect(queued.rowCount).toBe(1);
    const delivery = await db.prisma.webhookDelivery.findFirstOrThrow({ where: { runId: runs[0]!.id } });
    expect(delivery).toMatchObject({ event: 'push', outcome: 'run_created', httpStatus: 202 });
  });

  it('a tag push records the tag, not a branch', async () => {
    const payload = payloads('push').find((p) => p.ref === 'refs/tags/simple-tag' && !p.deleted)!;
    payload.after = mainSha;
    const res = await deliver('push', payload);
    const run = await db.prisma.pipelineRun.findFirstOrThrow({ where: { id: res.body.runId as string } });
    expect(run).toMatchObject({ trigger: 'push', tag: 'simple-tag', branch: null, commitSha: mainSha });
  });

  it('a deleted branch or tag starts nothing', async () => {
    const before = await counts();
    const res = await deliver(
      'push',
      payloads('push').find((p) => p.deleted)!,
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ outcome: 'ignored' });
    expect((await counts()).runs).toBe(before.runs);
  });
});

describe('pull_request', () => {
  it('opened, synchronize and reopened each make one run with the PR number; other actions start nothing', async () => {
    repo.branch('feature');
    const headSha = repo.commit({ 'feature.txt': 'x' }, 'feature work');
    repo.checkout('main');
    for (const payload of payloads('pull_request')) {
      const pr = payload.pull_request as { head: { sha: string; ref: string } };
      pr.head.sha = headSha;
      const before = (await counts()).runs;
      const res = await deliver('pull_request', payload);
      if (['opened', 'synchronize', 'reopened'].includes(payload.action!)) {
        expect(res.status, payload.action).toBe(202);
        const run = await db.prisma.pipelineRun.findFirstOrThrow({ where: { id: res.body.runId as string } });
        expect(run).toMatchObject({
          trigger: 'pr',
          commitSha: headSha,
          branch: pr.head.ref,
          prNumber: payload.number as number,
        });
        expect((await counts()).runs).toBe(before + 1);
      } else {
        expect(res.status, payload.action).toBe(200);
        expect((await counts()).runs, payload.action).toBe(before);
      }
    }
  });
});

describe('trust and idempotency', () => {
  it('answers ping, for a repository named explicitly with ?repo= when its GitHub name differs', async () => {
    const ping = payloads('ping')[0]!; // from Octocoders/Hello-World
    expect((await deliver('ping', ping)).status).toBe(404);
    const res = await deliver('ping', ping, { query: `?repo=${encodeURIComponent('Codertocat/Hello-World')}` });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ outcome: 'ignored', message: 'pong' });
  });

  it('a replayed delivery id returns the first answer and creates nothing new', async () => {
    const payload = payloads('push').find((p) => p.ref === 'refs/heads/master' && !p.deleted)!;
    payload.after = mainSha;
    const id = crypto.randomUUID();
    const first = await deliver('push', payload, { id });
    const before = await counts();
    const again = await deliver('push', payload, { id });
    expect(again.status).toBe(first.status);
    expect(again.body).toMatchObject({ runId: first.body.runId, outcome: 'run_created', replayed: true });
    expect(again.headers.get('x-switchyard-replayed')).toBe('true');
    expect(await counts()).toEqual(before);
  });

  it('a forged, missing or other-key signature gets 401 and writes nothing', async () => {
    const payload = payloads('push').find((p) => p.ref === 'refs/heads/master' && !p.deleted)!;
    payload.after = mainSha;
    const before = await counts();
    const body = JSON.stringify(payload);
    expect((await deliver('push', payload, { signature: sign(body, 'not-the-secret') })).status).toBe(401);
    expect((await deliver('push', payload, { signature: null })).status).toBe(401);
    expect((await deliver('push', payload, { signature: 'sha256=' + '0'.repeat(64) })).status).toBe(401);
    expect((await deliver('push', payload, { body: body + ' ', signature: sign(body) })).status).toBe(401);
    expect(await counts()).toEqual(before);
  });

  it('a body over 5 MiB gets 413 and writes nothing', async () => {
    const before = await counts();
    const big = JSON.stringify({
      repository: { full_name: 'Codertocat/Hello-World' },
      pad: 'x'.repeat(6 * 1024 * 1024),
    });
    const res = await deliver('push', null, { body: big });
    expect(res.status).toBe(413);
    expect(await counts()).toEqual(before);
  });

  it('an unknown repository gets 404, a non-JSON body 400, and nothing is written', async () => {
    const before = await counts();
    const payload = payloads('push')[0]!;
    (payload.repository as { full_name: string; clone_url: string; html_url: string }).full_name = 'someone/else';
    Object.assign(payload.repository as object, {
      clone_url: 'https://github.com/someone/else.git',
      html_url: 'https://github.com/someone/else',
    });
    expect((await deliver('push', payload)).status).toBe(404);
    expect((await deliver('push', null, { body: 'not json' })).status).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it('concurrent deliveries each make one run, numbered without gaps or repeats', async () => {
    const payload = payloads('push').find((p) => p.ref === 'refs/heads/master' && !p.deleted)!;
    payload.after = mainSha;
    const results = await Promise.all(Array.from({ length: 10 }, () => deliver('push', payload)));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(202));
    const runs = await db.prisma.pipelineRun.findMany({
      where: { id: { in: results.map((r) => r.body.runId as string) } },
    });
    const numbers = runs.map((r) => r.number).sort((a, b) => a - b);
    expect(new Set(numbers).size).toBe(10);
    expect(numbers[9]! - numbers[0]!).toBe(9);
  });
});

describe('configs', () => {
  it('a push whose config has a cycle makes a failed run whose stored error names the cycle and its line', async () => {
    const sha = repo.commit({ '.ci/pipeline.yml': CYCLE }, 'cycle');
    const payload = payloads('push').find((p) => p.ref === 'refs/heads/master' && !p.deleted)!;
    payload.after = sha;
    const res = await deliver('push', payload);
    expect(res.status).toBe(202);
    const run = await db.prisma.pipelineRun.findFirstOrThrow({ where: { id: res.body.runId as string } });
    expect(run.status).toBe('failed');
    expect(run.failedAt).not.toBeNull();
    const errors = run.configErrors as { message: string; line: number; column: number; severity: string }[];
    const cycle = errors.find((e) => /cycle/i.test(e.message));
    expect(cycle, JSON.stringify(errors)).toBeDefined();
    expect(cycle!.message).toMatch(/a → .*→ a|b → .*→ b|c → .*→ c/);
    expect(cycle!.line).toBeGreaterThanOrEqual(6);
    expect(cycle!.severity).toBe('error');
    const queued = await db.pg.query(`SELECT 1 FROM pgboss.job WHERE name = 'plan-run' AND data->>'runId' = $1`, [
      run.id,
    ]);
    expect(queued.rowCount).toBe(0);
  });

  it('a commit without a config starts nothing and says why', async () => {
    const sha = repo.commit({ '.ci/pipeline.yml': null }, 'no pipeline');
    const payload = payloads('push').find((p) => p.ref === 'refs/heads/master' && !p.deleted)!;
    payload.after = sha;
    const res = await deliver('push', payload);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ outcome: 'ignored', message: expect.stringContaining('no .ci/pipeline.yml') });
  });
});
