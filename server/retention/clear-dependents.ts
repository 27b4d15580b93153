// Before a partition can be detached, nothing may point at its rows: PostgreSQL
// checks the foreign keys into a partitioned table on DETACH and refuses while
// a referencing row remains (ON DELETE actions do not fire for a detach). So
// the rows of other tables that point at the partition's rows are cleared
// first, in small batches, each its own short statement: a row that cascades
// is deleted, a set-null key is emptied (deployments keep their history), and
// a key that neither cascades nor sets null stops retention with its name.
import pg from 'pg';
import type { ReferencingKey } from './partition-catalog';

/** Rows touched per statement: short statements, short row locks. */
export const ROW_BATCH = 1000;

/** A slice of a partition's rows: their ids and the partition's range (null: unbounded). */
export interface KeySlice {
  ids: string[];
  from: Date | null;
  to: Date;
}

/** Keyset pages over a partition's rows (`id` and `columns`), `size` at a time. */
export async function* partitionPages<Row extends { id: string }>(
  client: pg.ClientBase,
  partition: string,
  columns: string[] = [],
  size = 500,
): AsyncGenerator<Row[]> {
  const list = ['id', ...columns].map((c) => pg.escapeIdentifier(c)).join(', ');
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const r = await client.query<Row>(
      `SELECT ${list} FROM ${pg.escapeIdentifier(partition)} WHERE id > $1 ORDER BY id LIMIT $2`,
      [after, size],
    );
    if (r.rows.length === 0) return;
    yield r.rows;
    after = r.rows[r.rows.length - 1]!.id;
  }
}

/** `col = ANY($1) AND created_at in [$2, $3)`: the referencing rows of a slice, found through the id's index. */
export function sliceFilter(ref: Pick<ReferencingKey, 'idColumn' | 'createdAtColumn'>, slice: KeySlice) {
  const id = pg.escapeIdentifier(ref.idColumn);
  const at = pg.escapeIdentifier(ref.createdAtColumn);
  return {
    sql: `${id} = ANY($1::uuid[]) AND ${at} < $3 AND ($2::timestamptz IS NULL OR ${at} >= $2)`,
    params: [slice.ids, slice.from, slice.to] as unknown[],
  };
}

/** Clears what `ref` holds for `slice`; returns the rows deleted or emptied. */
export async function clearReferences(client: pg.ClientBase, ref: ReferencingKey, slice: KeySlice): Promise<number> {
  if (ref.onDelete === 'keep') {
    const filter = sliceFilter(ref, slice);
    const left = await client.query(
      `SELECT 1 FROM ${pg.escapeIdentifier(ref.table)} WHERE ${filter.sql} LIMIT 1`,
      filter.params,
    );
    if (left.rows.length === 0) return 0;
    throw new Error(
      `${ref.table} (${ref.constraint}) points at old ${ref.parent} rows and neither cascades nor sets null: retention will not delete them`,
    );
  }
  const table = pg.escapeIdentifier(ref.table);
  const filter = sliceFilter(ref, slice);
  const pick = `ctid = ANY(ARRAY(SELECT ctid FROM ${table} WHERE ${filter.sql} LIMIT ${ROW_BATCH}))`;
  const statement =
    ref.onDelete === 'cascade'
      ? `DELETE FROM ${table} WHERE ${pick}`
      : `UPDATE ${table} SET ${ref.columns.map((c) => `${pg.escapeIdentifier(c)} = NULL`).join(', ')} WHERE ${pick}`;
  let total = 0;
  for (;;) {
    const r = await client.query(statement, filter.params);
    total += r.rowCount ?? 0;
    if ((r.rowCount ?? 0) < ROW_BATCH) return total;
  }
}
