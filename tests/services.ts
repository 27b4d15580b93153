// The services a request context or a use case needs, wired to a test
// database: a real queue (pg-boss in that database), real git mirrors in a
// temporary folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type PgBoss from 'pg-boss';
import type { Services } from '../server/api/trpc';
import type { Db } from '../server/db/client';
import { createSecretBox } from '../server/domain/auth/secret-box';
import { transactionalEnqueue } from '../server/domain/run/enqueue';
import { syncSchedule } from '../server/domain/run/schedules';
import { Mirrors } from '../server/git/mirrors';
import { createLogger } from '../server/log';
import { createBoss } from '../server/queue/boss';
import { claimWithWait } from '../server/dispatch/claim-with-wait';
import { JobListener } from '../server/dispatch/job-listener';
import { LogStore } from '../server/storage/log-store';
import { LIVE_CHANNELS, NotificationHub } from '../server/live/notification-hub';
import { LocalObjectStore } from '../server/storage/local-object-store';
import type { AutoQuarantinePolicy } from '../server/domain/test-report/flakiness';

export interface TestServices extends Services {
  objects: LocalObjectStore;
  boss: PgBoss;
  close(): Promise<void>;
}

/** Limits as a test wants them; the defaults are the server's. */
export interface TestServiceOptions {
  /** Where local object links point (the test's web server). */
  objectsBaseUrl?: string;
  logBytes?: number;
  artifactBytes?: number;
  /** Automatic quarantine of flaky tests; default off. */
  flaky?: AutoQuarantinePolicy;
}

export async function testServices(db: Db, url: string, opts: TestServiceOptions = {}): Promise<TestServices> {
  const boss = createBoss(url, { supervise: false, schedule: false, max: 2 });
  await boss.start();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-mirrors-'));
  const log = createLogger({ proc: 'test', level: 'silent' });
  const listener = new JobListener(url, log);
  const live = new NotificationHub(url, LIVE_CHANNELS, log);
  const objects = new LocalObjectStore({
    dir: path.join(dir, 'objects'),
    baseUrl: opts.objectsBaseUrl ?? 'http://127.0.0.1:9',
    signingKey: 'test-object-links',
  });
  return {
    db,
    box: createSecretBox('test-secret-of-sufficient-length'),
    log,
    mirrors: new Mirrors(path.join(dir, 'mirrors')),
    logs: new LogStore(objects),
    objects,
    live,
    limits: { logBytes: opts.logBytes ?? 100 * 1024 * 1024, artifactBytes: opts.artifactBytes ?? 1024 ** 3 },
    flaky: opts.flaky,
    claim: claimWithWait(
      db,
      async () => boss,
      listener,
      () => new Date(),
    ),
    enqueue: transactionalEnqueue(boss),
    syncSchedule: (pipelineId, cron) => syncSchedule(db, boss, pipelineId, cron),
    boss,
    now: () => new Date(),
    async close() {
      await listener.close();
      await live.close();
      await boss.stop({ graceful: false, wait: true });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
