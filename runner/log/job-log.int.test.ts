// Job logs end to end: a real runner process ships a job's output over HTTP
// into object storage while the web server restarts under it, masks secrets
// the job prints, stops at the size limit with a marker, and the whole log is
// served through a pre-signed URL.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StampStripper, splitStamp } from '../../server/contracts/log-format';
import { setSecret } from '../../server/domain/secret/secrets';
import { LOG_CHANNEL } from '../../server/storage/log-store';
import { waitFor } from '../../tests/db';
import { startTestSystem, type PipelineRepo, type TestSystem } from '../../tests/system';

const LINES = 100_000;
const LIMIT = 256 * 1024;

let system: TestSystem;
let repo: PipelineRepo;

beforeAll(async () => {
  // Heartbeats stop while the web server is down: a generous loss deadline keeps the attempt alive.
  system = await startTestSystem({ lostAfterMs: 30_000, maxLostRequeues: 3, backoffBaseMs: 100 }, 250, {
    logBytes: LIMIT * 20,
  });
  repo = await system.addRepo('logs');
  await system.startRunner({ name: 'r1', concurrency: 2 });
});
afterAll(() => system?.stop());

function unstamped(text: string): string {
  const s = new StampStripper();
  return s.strip(text) + s.end();
}

describe('job logs', () => {
  it('keeps every one of 100,000 lines in order across a web restart, with a timestamp on each', async () => {
    const listener = new pg.Client({ connectionString: system.db.url });
    await listener.connect();
    let notifications = 0;
    listener.on('notification', (n) => {
      if (n.channel === LOG_CHANNEL && /^[0-9a-f-]{36}:1:\d+$/.test(n.payload ?? '')) notifications++;
    });
    await listener.query(`LISTEN ${LOG_CHANNEL}`);

    const { run } = await repo.push(`jobs:
  chatty:
    script:
      - "i=0; while [ $i -lt 50000 ]; do echo line $i; i=$((i+1)); done"
      - "sleep 3"
      - "i=50000; while [ $i -lt ${LINES} ]; do echo line $i; i=$((i+1)); done"
`);
    // Restart the web server while the job sleeps between its two halves.
    await waitFor(
      async () => {
        const job = await system.db.prisma.job.findFirst({ where: { runId: run.id } });
        return job && job.status === 'running' && (await system.services.logs.chunks(job.id, 1)).length > 5;
      },
      { timeoutMs: 30_000, what: 'the first half of the log' },
    );
    await system.restartWeb(1_500);
    const during = await system.db.prisma.job.findFirst({ where: { runId: run.id } });
    expect(during?.status, 'the web server restarted while the job ran').toBe('running');

    const done = await system.finished(run.id, 120_000);
    const job = done.byName.chatty!;
    expect(job.status, job.statusReason ?? '').toBe('success');
    const stamped = await system.services.logs.read(job.id, 1);
    const lines = unstamped(stamped).split('\n');
    const numbered = lines.filter((l) => l.startsWith('line '));
    expect(numbered.length).toBe(LINES);
    numbered.forEach((l, i) => {
      if (l !== `line ${i}`) expect(l).toBe(`line ${i}`);
    });
    for (const line of stamped.split('\n').slice(0, -1)) {
      if (splitStamp(line).at === null) expect(line).toMatch(/^\d{4}-\d\d-\d\dT/);
    }
    expect(notifications).toBeGreaterThan(5);
    await listener.end();

    // The whole log is one object once the job is over, behind a pre-signed URL and jobs.log_url.
    expect(job.logUrl).toBe(`/api/jobs/${job.id}/log?attempt=1`);
    const url = await system.services.logs.downloadUrl(job.id, 1, true);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(stamped);
  }, 180_000);

  it('masks a secret the job prints, also when split across two writes', async () => {
    await setSecret(system.db.prisma, system.services.box, {
      repo: 'logs',
      name: 'DEPLOY_KEY',
      value: 'sk-live-7f3a9c1e5b',
    });
    const { run } = await repo.push(`jobs:
  leaky:
    script:
      - 'echo "whole: $DEPLOY_KEY"'
      - "printf 'split: sk-live-7f3'; sleep 0.6; printf 'a9c1e5b done\\\\n'"
      - 'test "$DEPLOY_KEY" = sk-live-7f3a9c1e5b && echo the job has the real value'
`);
    const done = await system.finished(run.id);
    const job = done.byName.leaky!;
    expect(job.status, job.statusReason ?? '').toBe('success');
    const log = unstamped(await system.services.logs.read(job.id, 1));
    expect(log).not.toContain('7f3a9c1e5b');
    expect(log).toContain('whole: ***');
    expect(log).toContain('split: *** done');
    expect(log).toContain('the job has the real value');
  });

  it('stops a log at its size limit with a visible marker, and the job still ends normally', async () => {
    const small = await startTestSystem(undefined, 250, { logBytes: LIMIT });
    try {
      const r = await small.addRepo('big-log');
      await small.startRunner({ name: 'small' });
      const { run } = await r.push(`jobs:
  flood:
    script: ["i=0; while [ $i -lt 30000 ]; do echo this is a fairly long line number $i; i=$((i+1)); done", "echo finished"]
`);
      const done = await small.finished(run.id, 60_000);
      const job = done.byName.flood!;
      expect(job.status).toBe('success');
      const log = await small.services.logs.read(job.id, 1);
      expect(Buffer.byteLength(log)).toBeLessThan(LIMIT + 1024);
      expect(log).toContain('The log is truncated here: this job printed more than its limit of 256 KiB');
      expect(log).toMatch(/\d (KiB|MiB) of output past the limit were dropped/);
      expect(log).not.toContain('finished\n');
    } finally {
      await small.stop();
    }
  }, 120_000);
});
