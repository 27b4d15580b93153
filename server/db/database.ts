// Which PostgreSQL the server uses: DATABASE_URL when set, else the embedded
// cluster under DATA_DIR (started here, stopped by whoever opened it).
import path from 'node:path';
import { startEmbeddedPostgres } from './embedded-postgres';

export interface OpenDatabase {
  url: string;
  embedded: boolean;
  /** Where the embedded cluster's files are. */
  location?: string;
  stop(): Promise<void>;
}

export interface OpenDatabaseOptions {
  databaseUrl: string | undefined;
  dataDir: string;
  onLog?: (line: string) => void;
}

export async function openDatabase(opts: OpenDatabaseOptions): Promise<OpenDatabase> {
  if (opts.databaseUrl) return { url: opts.databaseUrl, embedded: false, stop: async () => {} };
  const pg = await startEmbeddedPostgres({
    dataDir: path.join(opts.dataDir, 'postgres'),
    database: 'switchyard',
    onLog: opts.onLog,
  });
  return { url: pg.url, embedded: true, location: pg.dataDir, stop: () => pg.stop() };
}
