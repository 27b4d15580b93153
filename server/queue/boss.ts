// pg-boss, the queue in PostgreSQL. It owns its schema (`pgboss`) and installs
// or upgrades it on start.
import PgBoss from 'pg-boss';
import type { Logger } from '../log';
import { createQueues } from './queues';

export const QUEUE_SCHEMA = 'pgboss';

export function createBoss(url: string, opts: { supervise?: boolean; schedule?: boolean; max?: number } = {}): PgBoss {
  return new PgBoss({
    connectionString: url,
    schema: QUEUE_SCHEMA,
    application_name: 'switchyard',
    max: opts.max ?? 4,
    supervise: opts.supervise ?? true,
    schedule: opts.schedule ?? true,
  });
}

/** Installs or upgrades pg-boss's schema and creates our queues, then disconnects. */
export async function installQueue(url: string, log?: Logger): Promise<void> {
  const boss = createBoss(url, { supervise: false, schedule: false, max: 1 });
  boss.on('error', (err) => log?.error({ err }, 'pg-boss error'));
  await boss.start();
  await createQueues(boss);
  await boss.stop({ graceful: false, wait: true });
}
