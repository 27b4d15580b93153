// One attempt from start to end on this runner: a fresh workspace with the
// commit checked out, the artifacts of the jobs it needs, the script on the
// configured executor (shell, or a container of the job's image), its test
// reports (also after a failure), then its own artifacts. The workspace is
// removed afterwards, whatever happened.
import fs from 'node:fs';
import path from 'node:path';
import type { ServerApi } from './api';
import { ArtifactError, fetchNeededArtifacts, uploadJobArtifacts } from './artifacts/job-artifacts';
import { CONTAINER_WORKSPACE, engineAddress, runInContainer, type ContainerEngineOptions } from './executors/container';
import type { ExecIo, ExecResult } from './executors/result';
import { bwrapAvailable } from './executors/sandbox';
import { runShellScript } from './executors/shell';
import type { ClaimedJobView } from './job';
import { uploadTestReports } from './reports/test-reports';
import { jobEnv, scriptText } from './job-env';
import { checkout } from './workspace';

export type ExecutorConfig =
  | { kind: 'shell'; /** Use bubblewrap when the host has it (default). */ sandbox?: boolean }
  | { kind: 'container'; engine: ContainerEngineOptions; /** Image for jobs that name none. */ defaultImage?: string };

export interface ExecuteOptions {
  api: ServerApi;
  runnerName: string;
  workRoot: string;
  executor: ExecutorConfig;
}

function describe(job: ClaimedJobView, o: ExecuteOptions, sandboxed: boolean): string {
  const head = `Running ${job.name} (attempt ${job.attempt}) on ${o.runnerName}`;
  if (o.executor.kind === 'container') {
    return `${head} with the container executor in image ${imageOf(job, o.executor)} on ${engineAddress(o.executor.engine)}, ${job.spec.network ? 'with' : 'without'} network\n`;
  }
  return (
    `${head} with the shell executor, ` +
    (sandboxed
      ? 'sandboxed by bubblewrap (read-only system, private /tmp, only the workspace writable)'
      : 'not sandboxed (bubblewrap is not installed on this runner)') +
    `${job.spec.image ? `; the shell executor ignores image ${job.spec.image}` : ''}\n`
  );
}

function imageOf(job: ClaimedJobView, e: Extract<ExecutorConfig, { kind: 'container' }>): string {
  return job.spec.image ?? e.defaultImage ?? 'debian:bookworm-slim';
}

function failed(io: ExecIo, message: string): ExecResult {
  io.output(`${message}\n`);
  return { exitCode: null, reason: 'runner_error', message: message.slice(0, 2000) };
}

export async function executeJob(job: ClaimedJobView, o: ExecuteOptions, io: ExecIo): Promise<ExecResult> {
  const attemptDir = path.join(o.workRoot, job.attemptId);
  const workspace = path.join(attemptDir, 'workspace');
  const scratch = path.join(attemptDir, 'scratch');
  fs.mkdirSync(scratch, { recursive: true, mode: 0o700 });
  const sandboxed = o.executor.kind === 'shell' && o.executor.sandbox !== false && bwrapAvailable();
  io.output(describe(job, o, sandboxed));
  try {
    try {
      await checkout(job, workspace);
    } catch (err) {
      const detail = (err as { stderr?: string }).stderr?.trim() || (err as Error).message;
      return failed(io, `checkout of ${job.commitSha.slice(0, 12)} failed: ${detail}`);
    }
    try {
      await fetchNeededArtifacts(job, workspace, scratch, io.output);
    } catch (err) {
      if (err instanceof ArtifactError) return failed(io, err.message);
      throw err;
    }
    const script = scriptText(job.spec.script);
    let result: ExecResult;
    if (o.executor.kind === 'container') {
      result = await runInContainer(
        o.executor.engine,
        {
          image: imageOf(job, o.executor),
          script,
          env: jobEnv(job, CONTAINER_WORKSPACE),
          workspace,
          timeoutSeconds: job.spec.timeoutSeconds,
          network: job.spec.network,
          name: job.name,
        },
        io,
      );
    } else {
      const scriptFile = path.join(attemptDir, 'script.sh');
      fs.writeFileSync(scriptFile, script, { mode: 0o700 });
      result = await runShellScript(
        {
          workspace,
          scriptFile,
          env: (ws) => jobEnv(job, ws),
          timeoutSeconds: job.spec.timeoutSeconds,
          sandboxed,
        },
        io,
      );
    }
    // Reports of a failed script too: they say which tests failed.
    if (result.reason === 'exit_code' || result.reason === 'timeout') {
      await uploadTestReports(o.api, job, workspace, io.output);
    }
    if (result.reason === 'exit_code' && result.exitCode === 0) {
      try {
        await uploadJobArtifacts(o.api, job, workspace, scratch, io.output);
      } catch (err) {
        if (err instanceof ArtifactError) return failed(io, err.message);
        throw err;
      }
    }
    return result;
  } finally {
    fs.rmSync(attemptDir, { recursive: true, force: true });
  }
}
