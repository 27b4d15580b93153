// Live updates against a real system: a run's changes reach a subscriber as
// they happen, a log tail delivers every chunk of a running job and then ends,
// and `switchyard job logs --follow` prints the same text as the stored log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printJobLog } from '../../cli/follow-log';
import { createServerApi } from '../../runner/api';
import { waitFor } from '../../tests/db';
import { startTestSystem, type PipelineRepo, type TestSystem } from '../../tests/system';
import { createContext } from '../api/context';
import { createCaller } from '../api/root';
import { StampStripper } from '../contracts/log-format';
import { createApiToken } from '../domain/user/api-tokens';
import { createUser, type PublicUser } from '../domain/user/users';

let system: TestSystem;
let repo: PipelineRepo;
let viewer: PublicUser;

const SLOW = `jobs:
  slow:
    script:
      - "for i in 1 2 3 4 5 6; do echo tick $i; sleep 0.3; done"
`;

beforeAll(async () => {
  system = await startTestSystem();
  repo = await system.addRepo('live');
  await system.startRunner({ name: 'r1' });
  viewer = await createUser(system.db.prisma, {
    email: 'viewer@example.com',
    password: 'password-123',
    role: 'viewer',
  });
});
afterAll(() => system?.stop());

const api = (signal?: AbortSignal) =>
  createContext(system.services, null, async () => viewer).then((ctx) => createCaller(ctx, { signal }));

describe('live updates', () => {
  it('tells a run subscriber about each change, and tails a running job to its end', async () => {
    const abort = new AbortController();
    const { run } = await repo.push(SLOW);
    const changes = await (await api(abort.signal)).runs.changes({ runId: run.id });
    let seen = 0;
    const counting = (async () => {
      for await (const _ of changes) seen++;
    })();

    const job = await waitFor(
      async () => {
        const j = await system.db.prisma.job.findFirst({ where: { runId: run.id } });
        return j?.status === 'running' ? j : null;
      },
      { timeoutMs: 20_000, what: 'the job to run' },
    );
    const tail = await (await api()).jobs.logTail({ id: job.id, attempt: 1, afterSeq: -1 });
    const chunks: { seq: number; text: string }[] = [];
    let ended = false;
    for await (const event of tail) {
      // A server-side caller yields tracked() envelopes as they are: [id, data].
      const data = (Array.isArray(event) ? event[1] : event.data) as typeof event.data;
      if (data.kind === 'chunk') chunks.push(data.chunk);
      else ended = true;
    }
    expect(ended).toBe(true);
    expect(chunks.map((c) => c.seq)).toEqual(chunks.map((_, i) => i));
    expect(chunks.length).toBeGreaterThan(2); // it arrived in pieces, live
    expect(chunks.map((c) => c.text).join('')).toBe(await system.services.logs.read(job.id, 1));

    await system.finished(run.id);
    await waitFor(() => seen >= 3, { timeoutMs: 10_000, what: 'run change notifications' });
    abort.abort();
    await counting;
  });

  it('follows a job from the CLI until it ends, printing the log without timestamps', async () => {
    const token = await createApiToken(system.db.prisma, viewer.id, { name: 'cli' }, new Date());
    const { run } = await repo.push(SLOW);
    const job = await waitFor(() => system.db.prisma.job.findFirst({ where: { runId: run.id } }), {
      what: 'the job',
    });
    let printed = '';
    await printJobLog(
      createServerApi(system.url, () => token.token),
      job.id,
      {
        follow: true,
        timestamps: false,
        write: (t) => (printed += t),
      },
    );
    const s = new StampStripper();
    const stored = s.strip(await system.services.logs.read(job.id, 1)) + s.end();
    expect(printed).toBe(stored);
    expect(printed).toContain('tick 6');
    expect(printed).not.toMatch(/^\d{4}-\d\d-\d\dT/m);
  });
});
