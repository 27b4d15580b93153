// The same kind of pipeline as on the shell executor, on the container
// executor through Podman's Docker-compatible API: each job in its image,
// artifacts passed between containers, no network unless asked, a memory limit
// that fails the job with a clear reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StampStripper } from '../../server/contracts/log-format';
import {
  startContainerEngine,
  TEST_IMAGE,
  TEST_IMAGE_OS_NAME,
  type ContainerEngine,
} from '../../tests/container-engine';
import { startTestSystem, type TestSystem } from '../../tests/system';

let engine: ContainerEngine;
let system: TestSystem;

beforeAll(async () => {
  engine = await startContainerEngine();
  system = await startTestSystem();
  await system.startRunner({
    name: 'podman-1',
    concurrency: 2,
    args: ['--executor', 'container', '--docker-host', engine.dockerHost, '--memory', '64m', '--pids-limit', '200'],
  });
}, 120_000);
afterAll(async () => {
  await system?.stop();
  await engine?.stop();
});

async function logOf(jobId: string): Promise<string> {
  const s = new StampStripper();
  return s.strip(await system.services.logs.read(jobId, 1)) + s.end();
}

describe('the container executor', () => {
  it('runs a pipeline in its images: the image system, artifacts, network only when asked, memory limits', async () => {
    const repo = await system.addRepo('containers', { 'README.md': 'from the repository\n' });
    const { run } = await repo.push(`stages: [build, test]
default:
  image: ${TEST_IMAGE}
jobs:
  system:
    stage: build
    script:
      - cat /etc/os-release
      - cat README.md
      - mkdir -p out && echo made in a container > out/a.txt
    artifacts: { name: out, paths: [out/] }
  offline:
    stage: build
    script: ["ls /sys/class/net"]
  online:
    stage: build
    network: true
    script: ["ls /sys/class/net"]
  hog:
    stage: build
    allow_failure: true
    script: ["awk 'BEGIN { s = \\"x\\"; for (i = 0; i < 40; i++) s = s s; print length(s) }'"]
  use:
    stage: test
    needs: [system]
    script: ["cat out/a.txt"]
`);
    const done = await system.finished(run.id, 120_000);
    const jobs = done.byName;
    const summary = JSON.stringify(done.jobs.map((j) => [j.name, j.status, j.statusReason]));
    expect(done.status, summary).toBe('success');

    const systemLog = await logOf(jobs.system!.id);
    expect(systemLog).toContain(`with the container executor in image ${TEST_IMAGE}`);
    expect(systemLog).toContain(`NAME="${TEST_IMAGE_OS_NAME}"`);
    expect(systemLog).not.toContain('Debian');
    expect(systemLog).toContain('from the repository');
    expect(systemLog).toMatch(/Uploaded artifact out/);
    expect(await logOf(jobs.use!.id)).toContain('made in a container');

    expect((await logOf(jobs.offline!.id)).split('\n')).toContain('lo');
    expect(await logOf(jobs.offline!.id)).not.toMatch(/^eth\d/m);
    expect(await logOf(jobs.online!.id)).toMatch(/^eth\d/m);

    expect(jobs.hog).toMatchObject({ status: 'failed' });
    const hog = await system.db.prisma.jobAttempt.findFirstOrThrow({ where: { jobId: jobs.hog!.id } });
    expect(hog.message).toMatch(/went over its memory limit of 64 MiB/);
  }, 180_000);

  it('fails a job whose image is not on the engine, saying how to fix it', async () => {
    const repo = await system.addRepo('no-image');
    const { run } = await repo.push(`jobs:\n  j: { image: localhost/not-there:1, script: [echo hi] }\n`);
    const done = await system.finished(run.id, 60_000);
    expect(done.byName.j).toMatchObject({ status: 'failed' });
    const attempt = await system.db.prisma.jobAttempt.findFirstOrThrow({ where: { jobId: done.byName.j!.id } });
    expect(attempt.message).toMatch(/image localhost\/not-there:1 is not on this runner's container engine/);
  }, 60_000);
});
