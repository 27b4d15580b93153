// The only place that creates Prisma clients. Functions that write take a
// client (or a transaction client) as an argument, so callers compose
// transactions; long-running processes create one client and pass it down.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client';

export type Db = PrismaClient;
/** A client or the client of an interactive transaction. */
export type DbTx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

export function createPrisma(connectionString: string, opts: { max?: number } = {}): PrismaClient {
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString, max: opts.max ?? 10 }),
    // Transactions of one run queue on its row lock: under load a wait of a few seconds is normal.
    transactionOptions: { maxWait: 10_000, timeout: 30_000 },
  });
}

const globalForPrisma = globalThis as unknown as { switchyardPrisma?: PrismaClient };

/**
 * The web process's client, created on first use from DATABASE_URL (set by
 * `npm start` for the embedded database). Kept on globalThis so that Next's
 * module reloading in development does not open a pool per reload.
 */
export function webPrisma(databaseUrl: string | undefined): PrismaClient {
  if (!databaseUrl) throw new Error('DATABASE_URL is not set for the web process (start it with `npm start`).');
  globalForPrisma.switchyardPrisma ??= createPrisma(databaseUrl);
  return globalForPrisma.switchyardPrisma;
}
