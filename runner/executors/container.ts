// The container executor: the job's script under /bin/sh in a fresh container
// of the job's image, through the Docker Engine API (dockerode), so one client
// serves Docker and Podman. The container sees its workspace (read-write at
// /workspace), its script (read-only) and exactly the job's variables; no
// network unless the job asks; memory without swap escape, a pids limit and
// explicit ulimits. It is killed on timeout or cancel and always removed.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import Docker from 'dockerode';
import { stoppedLine, type ExecIo, type ExecResult } from './result';

export interface ContainerEngineOptions {
  /** The engine's API socket (Docker's or `podman system service`'s); ignored when dockerHost is set. */
  socketPath?: string;
  /**
   * DOCKER_HOST-style address: unix:///run/podman.sock, tcp://host:2375 (plain HTTP) or https://host:2376.
   * The engine must see the runner's files (the workspace and script are bind mounts): same machine.
   */
  dockerHost?: string;
  /** 'never': an image missing from the engine fails the job; 'if-missing': pull it first. */
  pull: 'never' | 'if-missing';
  /** Memory limit, swap included (MemorySwap = Memory). */
  memoryBytes?: number;
  /** Most processes the job may have at once. */
  pidsLimit?: number;
}

export interface ContainerJob {
  image: string;
  /** The whole script, sh-compatible (images may lack bash). */
  script: string;
  /** The job's environment, all of it: nothing of the runner's own is added. */
  env: Record<string, string>;
  /** Host path, bind-mounted read-write at /workspace and used as the working directory. */
  workspace: string;
  timeoutSeconds: number;
  /** false: loopback only (NetworkMode none); true: the engine's default bridge. */
  network: boolean;
  /** Part of the container's name (sanitised, made unique). */
  name: string;
}

/** The same output and cancellation as every executor gets. */
export type ContainerIo = ExecIo;

export const CONTAINER_WORKSPACE = '/workspace';
const CONTAINER_SCRIPT = '/switchyard/script.sh';
const DEFAULT_SOCKET = '/var/run/docker.sock';
const MiB = 1024 * 1024;
/** The compatible API of Podman ignores the runtime's default ulimits: always send them. */
const ULIMITS = [
  { Name: 'nofile', Soft: 20_000, Hard: 20_000 },
  { Name: 'nproc', Soft: 32_768, Hard: 32_768 },
];
const PING_TIMEOUT_MS = 10_000;
/** How long output may trail the container's exit before the stream is cut. */
const DRAIN_TIMEOUT_MS = 10_000;

/** The engine's address as people write it, for messages. */
export function engineAddress(opts: Pick<ContainerEngineOptions, 'socketPath' | 'dockerHost'>): string {
  return opts.dockerHost ?? `unix://${opts.socketPath ?? DEFAULT_SOCKET}`;
}

/** A client for the engine at socketPath or dockerHost (never read from the environment). */
export function containerEngine(opts: Pick<ContainerEngineOptions, 'socketPath' | 'dockerHost'>): Docker {
  if (!opts.dockerHost) return new Docker({ socketPath: opts.socketPath ?? DEFAULT_SOCKET });
  const url = new URL(opts.dockerHost);
  if (url.protocol === 'unix:') return new Docker({ socketPath: url.pathname });
  if (url.protocol === 'tcp:' || url.protocol === 'http:' || url.protocol === 'https:') {
    const https = url.protocol === 'https:';
    return new Docker({
      host: url.hostname,
      port: url.port || (https ? 2376 : 2375),
      protocol: https ? 'https' : 'http',
    });
  }
  throw new Error(`unsupported container engine address ${opts.dockerHost} (use unix://, tcp:// or https://)`);
}

function errorText(err: unknown): string {
  const e = err as { json?: { message?: string }; message?: string };
  return (e.json?.message ?? e.message ?? String(err)).trim();
}

function statusOf(err: unknown): number | undefined {
  return (err as { statusCode?: number }).statusCode;
}

function containerName(jobName: string): string {
  const slug = jobName
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^[-_.]+|[-_.]+$/g, '')
    .slice(0, 40);
  return `switchyard-${slug ? `${slug}-` : ''}${randomBytes(4).toString('hex')}`;
}

async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} got no answer within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Pulls image, printing a line before and after; rejects with the engine's reason. */
async function pull(docker: Docker, image: string, output: (text: string) => void): Promise<void> {
  output(`Pulling image ${image}\n`);
  const stream = await docker.pull(image);
  await new Promise<void>((resolve, reject) => {
    let failure: string | undefined;
    docker.modem.followProgress(
      stream,
      (err: Error | null) => (err || failure ? reject(new Error(failure ?? errorText(err))) : resolve()),
      (event: { error?: string; errorDetail?: { message?: string } }) => {
        failure ??= event.errorDetail?.message ?? event.error;
      },
    );
  });
  output(`Pulled image ${image}\n`);
}

/** null when the image is there (pulled if allowed), else why the job cannot run. */
async function ensureImage(
  docker: Docker,
  engine: ContainerEngineOptions,
  image: string,
  output: (text: string) => void,
) {
  try {
    await docker.getImage(image).inspect();
    return null;
  } catch (err) {
    if (statusOf(err) !== 404)
      return `the container engine at ${engineAddress(engine)} failed to look up image ${image}: ${errorText(err)}`;
  }
  if (engine.pull === 'never') {
    return `image ${image} is not on this runner's container engine, and this runner does not pull images (start it with --pull if-missing)`;
  }
  try {
    await pull(docker, image, output);
    return null;
  } catch (err) {
    return `pulling image ${image} failed: ${errorText(err)}`;
  }
}

function createOptions(
  engine: ContainerEngineOptions,
  job: ContainerJob,
  scriptFile: string,
): Docker.ContainerCreateOptions {
  const workspace = path.resolve(job.workspace);
  for (const p of [workspace, scriptFile]) {
    if (p.includes(':'))
      throw new Error(`cannot bind-mount ${p}: a path with ':' does not fit the engine's bind syntax`);
  }
  return {
    name: containerName(job.name),
    Image: job.image,
    // One pipe for both streams: the engine reads stdout and stderr from two
    // pipes and, when both have data, sends all of stdout first, so a job's
    // error would print after the lines that came after it.
    Entrypoint: ['/bin/sh', '-c', `exec /bin/sh -e ${CONTAINER_SCRIPT} 2>&1`],
    Cmd: [],
    Env: Object.entries(job.env).map(([key, value]) => `${key}=${value}`),
    WorkingDir: CONTAINER_WORKSPACE,
    Labels: { 'dev.switchyard.job': job.name },
    Tty: false,
    OpenStdin: false,
    AttachStdin: false,
    AttachStdout: true,
    AttachStderr: true,
    HostConfig: {
      Binds: [`${workspace}:${CONTAINER_WORKSPACE}:rw`, `${scriptFile}:${CONTAINER_SCRIPT}:ro`],
      NetworkMode: job.network ? 'bridge' : 'none',
      ...(engine.memoryBytes ? { Memory: engine.memoryBytes, MemorySwap: engine.memoryBytes } : {}),
      ...(engine.pidsLimit ? { PidsLimit: engine.pidsLimit } : {}),
      Ulimits: ULIMITS,
      AutoRemove: false,
    },
  };
}

/** Feeds stdout and stderr frames to output, each decoded as UTF-8 across chunk boundaries; resolves at the stream's end. */
function pipeOutput(docker: Docker, stream: NodeJS.ReadableStream, output: (text: string) => void): Promise<void> {
  const sink = () => {
    const decoder = new StringDecoder('utf8');
    return new Writable({
      write(chunk: Buffer, _encoding, done) {
        const text = decoder.write(chunk);
        if (text) output(text);
        done();
      },
      final(done) {
        const rest = decoder.end();
        if (rest) output(rest);
        done();
      },
    });
  };
  const stdout = sink();
  const stderr = sink();
  docker.modem.demuxStream(stream, stdout, stderr);
  return new Promise((resolve) => {
    const finish = () => {
      stdout.end();
      stderr.end();
      resolve();
    };
    stream.once('end', finish);
    stream.once('close', finish);
    stream.once('error', finish);
  });
}

/** The result of a container that ran to its end (not stopped by us). */
function exitResult(
  engine: ContainerEngineOptions,
  code: number,
  oomKilled: boolean,
  output: (text: string) => void,
): ExecResult {
  // Podman 4.3 on cgroup v1 leaves OOMKilled false although the kernel's OOM
  // killer struck, so with a memory limit a SIGKILL (137) is taken as that;
  // the price: a job that SIGKILLs its own shell is reported the same way.
  if (engine.memoryBytes && (oomKilled || code === 137)) {
    const message = `the job went over its memory limit of ${Math.round(engine.memoryBytes / MiB)} MiB and was killed`;
    output(`\n${message}\n`);
    return { exitCode: code, reason: 'exit_code', message };
  }
  return { exitCode: code, reason: 'exit_code' };
}

type StopReason = 'timeout' | 'cancelled';

/** What the shell executor prints and returns when it stops a job. */
function stoppedResult(why: StopReason, job: ContainerJob, output: (text: string) => void): ExecResult {
  output(why === 'timeout' ? stoppedLine.timeout(job.timeoutSeconds) : stoppedLine.cancelled);
  return { exitCode: null, reason: why };
}

/** Attaches, starts, waits under the timeout and the cancel signal; the caller removes the container. */
async function runToEnd(
  docker: Docker,
  container: Docker.Container,
  engine: ContainerEngineOptions,
  job: ContainerJob,
  io: ContainerIo & { isCancelled: () => boolean },
): Promise<ExecResult> {
  // Attached before the start (logs: true replays anything earlier), so no output is lost.
  const stream = await container.attach({ stream: true, stdout: true, stderr: true, logs: true });
  const drained = pipeOutput(docker, stream, io.output);
  if (io.isCancelled()) {
    (stream as unknown as { destroy(): void }).destroy();
    return stoppedResult('cancelled', job, io.output);
  }
  let stopped: StopReason | undefined;
  let exited = false;
  const kill = (why: StopReason) => {
    if (exited) return;
    stopped ??= why;
    container.kill().catch(() => undefined); // already gone: fine
  };
  await container.start();
  const timer = setTimeout(() => kill('timeout'), job.timeoutSeconds * 1000);
  void io.cancelled.then(() => kill('cancelled'));
  const { StatusCode } = (await container.wait()) as { StatusCode: number };
  exited = true;
  clearTimeout(timer);
  await withDeadline(drained, DRAIN_TIMEOUT_MS, 'the output stream').catch(() => undefined);
  const why = stopped as StopReason | undefined; // set by kill(), which the compiler does not follow
  if (why) return stoppedResult(why, job, io.output);
  const info = await container.inspect();
  return exitResult(engine, info.State.ExitCode ?? StatusCode, info.State.OOMKilled, io.output);
}

function runnerError(output: (text: string) => void, message: string): ExecResult {
  output(`${message}\n`);
  return { exitCode: null, reason: 'runner_error', message };
}

/** Runs job.script in a fresh container of job.image; the container is removed whatever happens. */
export async function runInContainer(
  engine: ContainerEngineOptions,
  job: ContainerJob,
  io: ContainerIo,
): Promise<ExecResult> {
  let cancelled = false;
  void io.cancelled.then(() => (cancelled = true));
  const address = engineAddress(engine);
  let docker: Docker;
  try {
    docker = containerEngine(engine);
    await withDeadline(docker.ping(), PING_TIMEOUT_MS, 'the ping');
  } catch (err) {
    return runnerError(io.output, `cannot reach the container engine at ${address}: ${errorText(err)}`);
  }
  const missing = await ensureImage(docker, engine, job.image, io.output);
  if (missing) return runnerError(io.output, missing);

  const scriptDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-script-'));
  const scriptFile = path.join(scriptDir, 'script.sh');
  let container: Docker.Container | undefined;
  try {
    // Readable by any user the image runs as; its folder stays private on the host.
    fs.writeFileSync(scriptFile, job.script, { mode: 0o644 });
    container = await docker.createContainer(createOptions(engine, job, scriptFile));
    return await runToEnd(docker, container, engine, job, { ...io, isCancelled: () => cancelled });
  } catch (err) {
    return runnerError(io.output, `the container engine at ${address} failed to run the job: ${errorText(err)}`);
  } finally {
    await container?.remove({ force: true, v: true }).catch(() => undefined);
    fs.rmSync(scriptDir, { recursive: true, force: true });
  }
}
