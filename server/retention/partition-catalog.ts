// What the catalog says about the partitions retention works on and the
// tables that point at them. Read fresh on every pass: migrations by other
// features add referencing tables, and retention must clear those too.
import type pg from 'pg';
import { PARTITIONED_TABLES, type PartitionedTable, type PartitionRow } from './expired-partitions';

export interface CatalogPartition extends PartitionRow {
  /** A DETACH … CONCURRENTLY that was interrupted left it half-detached: it needs FINALIZE. */
  detachPending: boolean;
}

/** Partitions of pipeline_runs and jobs in the current schema, bounds printed in UTC. */
export async function listPartitions(client: pg.ClientBase): Promise<CatalogPartition[]> {
  await client.query(`SET TIME ZONE 'UTC'`);
  const r = await client.query<{ parent: PartitionedTable; name: string; bound: string; pending: boolean }>(
    `SELECT parent.relname::text AS parent, child.relname::text AS name,
            pg_get_expr(child.relpartbound, child.oid) AS bound, i.inhdetachpending AS pending
       FROM pg_inherits i
       JOIN pg_class parent ON parent.oid = i.inhparent
       JOIN pg_class child ON child.oid = i.inhrelid
      WHERE parent.relnamespace = current_schema()::regnamespace
        AND parent.relname = ANY($1::text[])
      ORDER BY child.relname`,
    [PARTITIONED_TABLES],
  );
  return r.rows.map((row) => ({ parent: row.parent, name: row.name, bound: row.bound, detachPending: row.pending }));
}

/** What a referencing row gets when the row it points at goes (pg_constraint.confdeltype). */
export type OnDelete = 'cascade' | 'set null' | 'keep';

/** A foreign key from a plain table into pipeline_runs or jobs, by the columns holding the parent's key. */
export interface ReferencingKey {
  constraint: string;
  table: string;
  parent: PartitionedTable;
  onDelete: OnDelete;
  /** The column holding the parent's id, and the one holding its created_at. */
  idColumn: string;
  createdAtColumn: string;
  /** Every column of the key (a set-null empties them all). */
  columns: string[];
}

/**
 * Foreign keys from plain tables into `parent`. A partitioned table pointing at
 * it (jobs → pipeline_runs) is left out: its partitions go by month too.
 */
export async function referencingKeys(client: pg.ClientBase, parent: PartitionedTable): Promise<ReferencingKey[]> {
  const r = await client.query<{
    constraint: string;
    table: string;
    deltype: string;
    columns: string[];
    refcolumns: string[];
  }>(
    `SELECT c.conname::text AS constraint, t.relname::text AS table, c.confdeltype AS deltype,
            ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
                   JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i) AS columns,
            ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
                   JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i) AS refcolumns
       FROM pg_constraint c
       JOIN pg_class t ON t.oid = c.conrelid
      WHERE c.contype = 'f' AND c.conparentid = 0 AND c.confrelid = to_regclass($1)
        AND t.relkind = 'r' AND NOT t.relispartition
      ORDER BY t.relname, c.conname`,
    [parent],
  );
  return r.rows.map((row) => {
    const idAt = row.refcolumns.indexOf('id');
    const createdAt = row.refcolumns.indexOf('created_at');
    if (idAt < 0 || createdAt < 0) {
      throw new Error(
        `${row.table}.${row.constraint} points at ${parent} by (${row.refcolumns.join(', ')}), not (id, created_at)`,
      );
    }
    return {
      constraint: row.constraint,
      table: row.table,
      parent,
      onDelete: row.deltype === 'c' ? 'cascade' : row.deltype === 'n' ? 'set null' : 'keep',
      idColumn: row.columns[idAt]!,
      createdAtColumn: row.columns[createdAt]!,
      columns: row.columns,
    };
  });
}
