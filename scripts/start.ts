// `npm start`: the whole system on one machine. Database (embedded unless
// DATABASE_URL is set) → migrations and partitions → queue schema → seed (first
// admin, demo repository) → web (building first when needed) → scheduler → one
// runner. Prints the URL and the login; Ctrl-C stops everything in order.
import fs from 'node:fs';
import path from 'node:path';
import { createPrisma } from '../server/db/client';
import { openDatabase, type OpenDatabase } from '../server/db/database';
import { ensurePartitions, migrate } from '../server/db/migrate';
import { migrationsDir, projectRoot } from '../server/db/paths';
import { createSecretBox } from '../server/domain/auth/secret-box';
import { createRegistrationToken } from '../server/domain/runner/registration';
import { dataDir as resolveDataDir, publicUrl, serverEnv } from '../server/env';
import { createLogger } from '../server/log';
import { buildIsStale } from '../server/ops/build-check';
import { localAuthSecret } from '../server/ops/local-secret';
import { jsonLine, renderLine } from '../server/ops/log-render';
import { seed } from '../server/ops/seed';
import { Supervisor } from '../server/ops/supervisor';
import { installQueue } from '../server/queue/boss';

const env = serverEnv();
const log = createLogger({ proc: 'start', level: env.LOG_LEVEL });
const dataDir = resolveDataDir(env);
const url = publicUrl(env);
const print = (proc: string, line: string) =>
  process.stdout.write(`${env.LOG_FORMAT === 'json' ? jsonLine(proc, line) : renderLine(proc, line)}\n`);
const say = (line: string) => print('start', line);

let db: OpenDatabase | undefined;
let shuttingDown: Promise<void> | undefined;
const supervisor = new Supervisor(print, (name, code) => {
  say(`${name} exited unexpectedly (code ${code}); stopping everything`);
  void shutdown(1);
});

function shutdown(code: number): Promise<void> {
  shuttingDown ??= (async () => {
    say('stopping…');
    await supervisor.stopAll();
    await db?.stop();
    say('stopped');
    process.exit(code);
  })();
  return shuttingDown;
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

const tsx = (file: string) => ({ command: process.execPath, args: ['--import', 'tsx', path.join(projectRoot, file)] });
const nextBin = path.join(projectRoot, 'node_modules', 'next', 'dist', 'bin', 'next');

async function waitForHealth(deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${env.PORT}/api/health`);
      if (res.ok) return;
      last = `${res.status} ${await res.text()}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the web server did not become healthy: ${last}`);
}

/** Fails early and clearly when something else already listens on PORT. */
async function assertPortFree(port: number): Promise<void> {
  const net = await import('node:net');
  await new Promise<void>((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', () => reject(new Error(`port ${port} is in use: stop what listens there or set PORT`)));
    srv.listen(port, () => srv.close(() => resolve()));
  });
}

async function main() {
  const started = Date.now();
  await assertPortFree(env.PORT);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o711 });
  const authSecret = env.AUTH_SECRET ?? localAuthSecret(dataDir);

  db = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir, onLog: (l) => log.debug({ postgres: l }) });
  say(db.embedded ? `embedded PostgreSQL ready (data in ${db.location})` : 'using DATABASE_URL');
  const migrated = await migrate(db.url, migrationsDir, (m) => say(m));
  await ensurePartitions(db.url, env.PARTITION_MONTHS_AHEAD);
  await installQueue(db.url, log);
  say(`database migrated (${migrated.applied.length} new, ${migrated.alreadyApplied} already applied)`);

  const prisma = createPrisma(db.url, { max: 2 });
  const box = createSecretBox(authSecret);
  const seeded = await seed(prisma, box, {
    dataDir,
    adminEmail: env.SWITCHYARD_ADMIN_EMAIL,
    adminPassword: env.SWITCHYARD_ADMIN_PASSWORD,
  });
  if (seeded.admin.generatedPassword) {
    // Printed now as well as in the banner: a start that fails later must not lose it.
    say(`first admin created: ${seeded.admin.email} / ${seeded.admin.generatedPassword}`);
  }
  const runnerDir = path.join(dataDir, 'runner');
  const needsRegistration = !fs.existsSync(path.join(runnerDir, 'runner.json'));
  const registration = needsRegistration
    ? await createRegistrationToken(
        prisma,
        { description: 'local runner of npm start', maxUses: 1, expiresInHours: 1 },
        new Date(),
      )
    : undefined;
  await prisma.$disconnect();

  const build = buildIsStale(projectRoot);
  if (build.stale) {
    say(`building the web app (${build.reason})…`);
    const code = await supervisor.run({
      name: 'build',
      command: process.execPath,
      args: [nextBin, 'build'],
      cwd: projectRoot,
      env: { NEXT_TELEMETRY_DISABLED: '1' },
    });
    if (code !== 0) throw new Error(`next build failed with code ${code}`);
  }

  const childEnv = {
    DATABASE_URL: db.url,
    AUTH_SECRET: authSecret,
    AUTH_URL: url,
    DATA_DIR: dataDir,
    NEXT_TELEMETRY_DISABLED: '1',
    LOG_LEVEL: env.LOG_LEVEL,
  };
  supervisor.start({
    name: 'web',
    command: process.execPath,
    args: [nextBin, 'start', '-p', String(env.PORT)],
    cwd: projectRoot,
    env: { ...childEnv, PORT: String(env.PORT) },
  });
  supervisor.start({ name: 'scheduler', ...tsx('server/scheduler/main.ts'), cwd: projectRoot, env: childEnv });
  await waitForHealth(60_000);
  supervisor.start({
    name: 'runner',
    ...tsx('runner/main.ts'),
    cwd: projectRoot,
    env: {
      SWITCHYARD_URL: `http://127.0.0.1:${env.PORT}`,
      SWITCHYARD_REGISTRATION_TOKEN: registration?.token,
      SWITCHYARD_RUNNER_NAME: 'local',
      SWITCHYARD_RUNNER_DIR: runnerDir,
      LOG_LEVEL: env.LOG_LEVEL,
    },
  });

  const login = seeded.admin.generatedPassword
    ? `${seeded.admin.email} / ${seeded.admin.generatedPassword}   (shown once: note it now)`
    : seeded.admin.created
      ? `${seeded.admin.email} / the password in SWITCHYARD_ADMIN_PASSWORD`
      : `${seeded.admin.email} (password as set on the first start)`;
  const lines = [
    '',
    `Switchyard is up in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    `  open      ${url}`,
    `  sign in   ${login}`,
    `  demo repo ${seeded.demoRepoPath}`,
    ...(seeded.demoWebhookSecret ? [`  demo webhook secret ${seeded.demoWebhookSecret}   (shown once)`] : []),
    '  Ctrl-C stops everything.',
    '',
  ];
  for (const line of lines) process.stdout.write(`${line}\n`);
}

main().catch(async (err) => {
  say(`failed to start: ${err instanceof Error ? err.message : String(err)}`);
  await shutdown(1);
});
