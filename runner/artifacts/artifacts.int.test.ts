// Artifacts end to end: a real runner packs job A's files, uploads them through
// a pre-signed URL, the server checks and registers them, and job B gets them
// byte for byte; a tampered archive, an unsafe name and an expired artifact
// are each refused with a clear message; the purge removes expired objects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeExpiredArtifacts } from '../../server/domain/artifact/artifacts';
import { retryJob, runManualJob } from '../../server/domain/job/control';
import { waitFor } from '../../tests/db';
import { startTestSystem, type PipelineRepo, type TestSystem } from '../../tests/system';

const MAKE = `  make:
    stage: build
    script:
      - mkdir -p dist/sub
      - head -c 300000 /dev/urandom > dist/blob.bin
      - echo hello > dist/sub/hello.txt
      - ln -s hello.txt dist/sub/link.txt
      - sha256sum dist/blob.bin > blob.sha
    artifacts: { name: bundle, paths: [dist/, blob.sha], expire_in: 1h }
`;

const USE = `    script:
      - sha256sum -c blob.sha
      - test "$(cat dist/sub/link.txt)" = hello
      - echo artifacts ok
`;

let system: TestSystem;
let repo: PipelineRepo;
const who = { actor: 'dev@test', actorUserId: null };

beforeAll(async () => {
  system = await startTestSystem();
  repo = await system.addRepo('artifacts');
  await system.startRunner({ name: 'r1', concurrency: 2 });
});
afterAll(() => system?.stop());

describe('artifacts', () => {
  it('reach the job that needs them byte for byte, and are listed with size, checksum, expiry and a link', async () => {
    const { run } = await repo.push(
      `stages: [build, test]\njobs:\n${MAKE}  use:\n    stage: test\n    needs: [make]\n${USE}`,
    );
    const done = await system.finished(run.id);
    const log = await system.services.logs.read(done.byName.use!.id, 1);
    expect(done.status, log).toBe('success');
    expect(log).toContain('dist/blob.bin: OK');
    expect(log).toMatch(/Fetched artifact bundle from make: \d+ entries, .* verified/);

    const [artifact] = await system.db.prisma.artifact.findMany({ where: { runId: run.id } });
    expect(artifact).toMatchObject({ name: 'bundle', jobId: done.byName.make!.id });
    const expiresIn = artifact!.expiresAt!.getTime() - artifact!.createdAt.getTime();
    expect(expiresIn).toBe(3_600_000);
    const res = await fetch(await system.services.objects.presignGet(artifact!.storageKey, 60));
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.length).toBe(Number(artifact!.sizeBytes));
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(artifact!.sha256);
  });

  it('a tampered archive fails the job that downloads it, saying so', async () => {
    const { run } = await repo.push(
      `stages: [build, test]\njobs:\n${MAKE}  use:\n    stage: test\n    needs: [make]\n    when: manual\n${USE}`,
    );
    const make = await waitFor(
      async () => {
        const job = await system.db.prisma.job.findFirst({ where: { runId: run.id, name: 'make' } });
        return job?.status === 'success' ? job : null;
      },
      { timeoutMs: 30_000, what: 'make to succeed' },
    );
    const artifact = await system.db.prisma.artifact.findFirstOrThrow({ where: { jobId: make.id } });
    const original = (await system.services.objects.get(artifact.storageKey))!;
    const tampered = Buffer.from(original);
    tampered[tampered.length >> 1]! ^= 0xff;
    await system.services.objects.put(artifact.storageKey, tampered);

    const use = await system.db.prisma.job.findFirstOrThrow({ where: { runId: run.id, name: 'use' } });
    await runManualJob(system.db.prisma, system.services.enqueue, use.id, who, new Date());
    const done = await system.finished(run.id);
    expect(done.byName.use).toMatchObject({ status: 'failed' });
    const attempt = await system.db.prisma.jobAttempt.findFirstOrThrow({ where: { jobId: use.id } });
    expect(attempt.message).toMatch(
      /artifact 'bundle' of job make failed its checksum: expected \d+ bytes with sha256 [0-9a-f]{64}/,
    );
    const log = await system.services.logs.read(use.id, 1);
    expect(log).toContain('It was changed after it was uploaded.');
    expect(log).not.toContain('artifacts ok');
  });

  it('refuses an artifact named ../../etc/x, in the config and at the API', async () => {
    const { run } = await repo.push(
      `jobs:\n  evil:\n    script: [echo x]\n    artifacts: { name: ../../etc/x, paths: [x] }\n`,
    );
    const failed = await system.db.prisma.pipelineRun.findFirstOrThrow({ where: { id: run.id } });
    expect(failed.status).toBe('failed');
    expect(JSON.stringify(failed.configErrors)).toContain('../../etc/x');

    const res = await fetch(`${system.url}/api/trpc/runner.artifactUploadUrl`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        json: { token: 'sy_att_0123456789abcdef', name: '../../etc/x', sizeBytes: 10, sha256: 'a'.repeat(64) },
      }),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('an artifact name uses letters, digits');
  });

  it('an expired artifact fails the job that needs it, and the purge removes it with its object', async () => {
    const { run } = await repo.push(
      `stages: [build, test]\njobs:\n${MAKE}  use:\n    stage: test\n    needs: [make]\n${USE}`,
    );
    const first = await system.finished(run.id);
    expect(first.status).toBe('success');
    const artifact = await system.db.prisma.artifact.findFirstOrThrow({ where: { runId: run.id } });
    await system.db.prisma.artifact.update({
      where: { id: artifact.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });

    await retryJob(system.db.prisma, system.services.enqueue, first.byName.use!.id, who, new Date());
    const again = await system.finished(run.id);
    expect(again.byName.use).toMatchObject({ status: 'failed' });
    const attempt = await system.db.prisma.jobAttempt.findFirstOrThrow({
      where: { jobId: first.byName.use!.id, number: 2 },
    });
    expect(attempt.message).toMatch(/artifact 'bundle' of job make is missing: it expired at/);

    expect(await system.services.objects.head(artifact.storageKey)).not.toBeNull();
    const purged = await purgeExpiredArtifacts(system.db.prisma, system.services.objects, new Date());
    expect(purged).toBeGreaterThanOrEqual(1);
    expect(await system.services.objects.head(artifact.storageKey)).toBeNull();
    expect(await system.db.prisma.artifact.findUnique({ where: { id: artifact.id } })).toBeNull();
    const live = await system.db.prisma.artifact.count({ where: { expiresAt: { gt: new Date() } } });
    expect(live).toBeGreaterThan(0); // unexpired ones stay
  });
});
