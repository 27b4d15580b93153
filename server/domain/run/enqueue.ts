// Sending a queue message inside the caller's transaction: pg-boss runs its
// SQL through the transaction's client, so the run and its planning message
// commit together or not at all.
import type PgBoss from 'pg-boss';
import type { DbTx } from '../../db/client';

export type Enqueue = (tx: DbTx, queue: string, data: object, options?: PgBoss.SendOptions) => Promise<void>;

export function transactionalEnqueue(boss: PgBoss): Enqueue {
  return async (tx, queue, data, options = {}) => {
    const db: PgBoss.Db = {
      executeSql: async (text, values) => ({ rows: await tx.$queryRawUnsafe<unknown[]>(text, ...values) }),
    };
    await boss.send(queue, data, { ...options, db });
  };
}
