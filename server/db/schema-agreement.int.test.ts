// schema.prisma describes what the client queries; the hand-written SQL in
// prisma/migrations is what the database is. Nothing generates one from the
// other, so this test compares them: the DMMF (Prisma's own reading of the
// schema) against pg_catalog of a migrated database. Every disagreement is
// collected and printed as one list, one line each.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type pg from 'pg';
import type * as SchemaWasm from '@prisma/prisma-schema-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../tests/db';
import { projectRoot } from './paths';

// --- The schema, as Prisma reads it ------------------------------------------

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'enum' | 'object' | 'unsupported';
  type: string;
  isList: boolean;
  isRequired: boolean;
  isUnique: boolean;
  isId: boolean;
  nativeType?: [string, string[]] | null;
  default?: unknown;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  relationOnUpdate?: string;
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
  primaryKey: { fields: string[] } | null;
  uniqueIndexes: { fields: string[] }[];
}
interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  fields: { name: string; sortOrder?: 'asc' | 'desc' }[];
}
interface Datamodel {
  models: DmmfModel[];
  enums: { name: string; dbName: string | null; values: { name: string; dbName: string | null }[] }[];
  indexes: DmmfIndex[];
}

function readDatamodel(schemaText: string): Datamodel {
  const wasm = createRequire(import.meta.url)('@prisma/prisma-schema-wasm') as typeof SchemaWasm;
  const dmmf = JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema: [['schema.prisma', schemaText]] })));
  return dmmf.datamodel as Datamodel;
}

// --- The database, as pg_catalog reads it --------------------------------------

interface Column {
  type: string;
  notNull: boolean;
  default: string | null;
}
interface ForeignKey {
  name: string;
  columns: string[];
  refTable: string;
  refColumns: string[];
  onDelete: string;
  onUpdate: string;
}
interface Index {
  name: string;
  columns: string[];
  desc: boolean[];
  unique: boolean;
  primary: boolean;
  plain: boolean;
}
interface Table {
  columns: Map<string, Column>;
  primaryKey: string[] | null;
  foreignKeys: ForeignKey[];
  indexes: Index[];
}
interface Catalog {
  tables: Map<string, Table>;
  enums: Map<string, string[]>;
}

// Tables of the public schema, partitions excluded (they belong to their parent).
const TABLES = `JOIN pg_namespace n ON n.oid = t.relnamespace
  WHERE n.nspname = 'public' AND t.relkind IN ('r', 'p') AND NOT t.relispartition`;
/** The names of attribute numbers `nums` of relation `rel`, in order. */
const names = (nums: string, rel: string) =>
  `ARRAY(SELECT a.attname::text FROM unnest(${nums}) WITH ORDINALITY k(num, ord)
         JOIN pg_attribute a ON a.attrelid = ${rel} AND a.attnum = k.num ORDER BY k.ord)`;

async function readCatalog(pool: pg.Pool): Promise<Catalog> {
  const rows = async <T>(sql: string) => (await pool.query<T & { table: string }>(sql)).rows;
  const tables = new Map<string, Table>();
  for (const r of await rows(`SELECT t.relname AS table FROM pg_class t ${TABLES}`))
    tables.set(r.table, { columns: new Map(), primaryKey: null, foreignKeys: [], indexes: [] });
  const table = (name: string) => tables.get(name)!;

  for (const { table: t, name, ...c } of await rows<Column & { name: string }>(
    `SELECT t.relname AS table, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS "notNull",
            pg_get_expr(d.adbin, d.adrelid) AS default
       FROM pg_attribute a JOIN pg_class t ON t.oid = a.attrelid
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       ${TABLES} AND a.attnum > 0 AND NOT a.attisdropped`,
  ))
    table(t).columns.set(name, c);

  for (const r of await rows<{ columns: string[] }>(
    `SELECT t.relname AS table, ${names('c.conkey', 'c.conrelid')} AS columns
       FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid ${TABLES} AND c.contype = 'p'`,
  ))
    table(r.table).primaryKey = r.columns;

  // conparentid = 0: a foreign key to a partitioned table also gets a hidden clone per partition.
  for (const { table: t, ...fk } of await rows<ForeignKey>(
    `SELECT t.relname AS table, c.conname AS name, ${names('c.conkey', 'c.conrelid')} AS columns,
            f.relname AS "refTable", ${names('c.confkey', 'c.confrelid')} AS "refColumns",
            c.confdeltype AS "onDelete", c.confupdtype AS "onUpdate"
       FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class f ON f.oid = c.confrelid
       ${TABLES} AND c.contype = 'f' AND c.conparentid = 0`,
  ))
    table(t).foreignKeys.push(fk);

  for (const { table: t, ...index } of await rows<Index>(
    `SELECT t.relname AS table, i.relname AS name, x.indisunique AS unique, x.indisprimary AS primary,
            x.indpred IS NULL AND x.indexprs IS NULL AS plain,
            ${names('(x.indkey::int2[])[0:x.indnkeyatts - 1]', 't.oid')} AS columns,
            ARRAY(SELECT (o & 1) = 1 FROM unnest((x.indoption::int2[])[0:x.indnkeyatts - 1]) WITH ORDINALITY k(o, ord)
                  ORDER BY ord) AS desc
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid ${TABLES}`,
  ))
    table(t).indexes.push(index);

  const enums = await rows<{ labels: string[] }>(
    `SELECT t.typname AS table, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = 'public' GROUP BY t.typname`,
  );
  return { tables, enums: new Map(enums.map((r) => [r.table, r.labels])) };
}

// --- The comparison --------------------------------------------------------------

/** Tables the schema does not model on purpose. */
const UNMODELLED = new Set(['_prisma_migrations']);
const ACTIONS: Record<string, string> = { c: 'Cascade', n: 'SetNull', r: 'Restrict', a: 'NoAction', d: 'SetDefault' };
/** Defaults Prisma's client computes itself: the database has none. */
const CLIENT_DEFAULTS = new Set(['uuid', 'cuid', 'nanoid', 'ulid']);

const same = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((v, i) => v === b[i]);
const list = (cols: readonly string[]) => `(${cols.join(', ')})`;

/** The native types expectedType() knows; any other gets a mismatch asking for a mapping. */
const KNOWN_NATIVE = new Set(
  'Uuid Text VarChar Char Timestamptz Timestamp Date SmallInt Integer BigInt Real DoublePrecision Decimal Boolean Json JsonB ByteA'.split(
    ' ',
  ),
);

/** The column type Prisma's PostgreSQL connector gives a field, as format_type() prints it. */
function expectedType(field: DmmfField, dm: Datamodel): string | undefined {
  const [native, args = []] = field.nativeType ?? [];
  if (native && !KNOWN_NATIVE.has(native)) return undefined;
  const withArgs = (t: string) => (args.length ? `${t}(${args.join(',')})` : t);
  let base: string | undefined;
  if (field.kind === 'enum') {
    const e = dm.enums.find((x) => x.name === field.type);
    base = e && (e.dbName ?? e.name);
  } else if (field.type === 'String') {
    base =
      { Uuid: 'uuid', VarChar: withArgs('character varying'), Char: withArgs('character') }[native ?? ''] ?? 'text';
  } else if (field.type === 'DateTime') {
    const precision = args.length ? `(${args[0]})` : native ? '' : '(3)';
    base = native === 'Date' ? 'date' : `timestamp${precision} with${native === 'Timestamptz' ? '' : 'out'} time zone`;
  } else {
    const byType: Record<string, string> = {
      Int: native === 'SmallInt' ? 'smallint' : 'integer',
      BigInt: 'bigint',
      Float: native === 'Real' ? 'real' : 'double precision',
      Decimal: args.length ? `numeric(${args.join(',')})` : 'numeric(65,30)',
      Boolean: 'boolean',
      Json: native === 'Json' ? 'json' : 'jsonb',
      Bytes: 'bytea',
    };
    base = byType[field.type];
  }
  return base && (field.isList ? `${base}[]` : base);
}

/** A column default as a comparable value: casts and quotes stripped (`'main'::text` → `main`). */
function plainDefault(expr: string): string {
  let s = expr.trim();
  while (/::[^:']+$/.test(s)) s = s.replace(/::[^:']+$/, '');
  const quoted = /^'(.*)'$/s.exec(s);
  return quoted ? quoted[1]!.replaceAll("''", "'") : s;
}

/** Why the database's default disagrees with the field's, or undefined when they agree. */
function defaultMismatch(field: DmmfField, actual: string | null): string | undefined {
  const d = field.default as { name?: string; args?: unknown[] } | unknown;
  const fn = d && typeof d === 'object' && !Array.isArray(d) ? (d as { name: string; args: unknown[] }) : undefined;
  if (d === undefined || (fn && CLIENT_DEFAULTS.has(fn.name)))
    return actual === null ? undefined : `no default, database has ${actual}`;
  if (actual === null) return `default ${JSON.stringify(d)}, database has none`;
  let ok: boolean;
  if (fn?.name === 'dbgenerated') ok = actual.replace(/\s+/g, ' ') === String(fn.args[0]).replace(/\s+/g, ' ');
  else if (fn?.name === 'now') ok = /^(CURRENT_TIMESTAMP|now\(\))$/.test(actual);
  else if (fn?.name === 'autoincrement') ok = /^nextval\(/.test(actual);
  else if (fn)
    ok = true; // another function: not modelled here
  else if (Array.isArray(d))
    ok = d.length === 0 ? /^(ARRAY\[\]|'\{\}')/.test(actual) : d.every((v) => actual.includes(String(v)));
  else if (field.type === 'Json')
    ok = JSON.stringify(JSON.parse(plainDefault(actual))) === JSON.stringify(JSON.parse(String(d)));
  else ok = plainDefault(actual) === String(d);
  return ok ? undefined : `default ${JSON.stringify(d)}, database has ${actual}`;
}

const KINDS = ['tables', 'columns', 'enums', 'primaryKeys', 'foreignKeys', 'uniques', 'indexes', 'defaults'] as const;
type Mismatches = Record<(typeof KINDS)[number], string[]>;

const tableOf = (mod: DmmfModel) => mod.dbName ?? mod.name;
const columnOf = (mod: DmmfModel, field: string) => {
  const f = mod.fields.find((x) => x.name === field)!;
  return f.dbName ?? f.name;
};

/** Every disagreement between the schema and the database, by kind. */
function compare(dm: Datamodel, db: Catalog): Mismatches {
  const m = Object.fromEntries(KINDS.map((k) => [k, []])) as unknown as Mismatches;
  const modelled = new Set(dm.models.map(tableOf));
  for (const name of db.tables.keys())
    if (!modelled.has(name) && !UNMODELLED.has(name))
      m.tables.push(`${name}: table in the database, no model maps to it`);
  compareEnums(dm, db, m);
  for (const mod of dm.models) {
    const table = db.tables.get(tableOf(mod));
    if (!table) {
      m.tables.push(`${tableOf(mod)} (model ${mod.name}): no such table`);
      continue;
    }
    compareColumns(dm, mod, table, m);
    compareKeys(dm, mod, table, m);
    compareIndexes(dm, mod, table, m);
  }
  for (const kind of KINDS) m[kind].sort();
  return m;
}

function compareEnums(dm: Datamodel, db: Catalog, m: Mismatches): void {
  for (const e of dm.enums) {
    const name = e.dbName ?? e.name;
    const values = e.values.map((v) => v.dbName ?? v.name);
    const actual = db.enums.get(name);
    if (!actual) m.enums.push(`${name} (enum ${e.name}): no such type in the database`);
    else if (!same(values, actual))
      m.enums.push(`${name} (enum ${e.name}): schema [${values.join(', ')}], database [${actual.join(', ')}]`);
  }
  const known = new Set(dm.enums.map((e) => e.dbName ?? e.name));
  for (const name of db.enums.keys())
    if (!known.has(name)) m.enums.push(`${name}: enum type in the database, not in the schema`);
}

function compareColumns(dm: Datamodel, mod: DmmfModel, table: Table, m: Mismatches): void {
  const name = tableOf(mod);
  const scalars = mod.fields.filter((f) => f.kind !== 'object');
  const nullability = (notNull: boolean) => (notNull ? 'NOT NULL' : 'nullable');
  for (const f of scalars) {
    const c = columnOf(mod, f.name);
    const where = `${name}.${c} (${mod.name}.${f.name})`;
    const actual = table.columns.get(c);
    if (!actual) {
      m.columns.push(`${where}: no such column`);
      continue;
    }
    const type = expectedType(f, dm);
    if (!type)
      m.columns.push(`${where}: this test has no mapping for ${f.type} ${JSON.stringify(f.nativeType)}; add one`);
    else if (type !== actual.type) m.columns.push(`${where}: schema says ${type}, database has ${actual.type}`);
    // Scalar lists are NOT NULL in our SQL: an empty list, never null.
    const notNull = f.isRequired || f.isList;
    if (notNull !== actual.notNull)
      m.columns.push(`${where}: schema says ${nullability(notNull)}, database has ${nullability(actual.notNull)}`);
    const why = defaultMismatch(f, actual.default);
    if (why) m.defaults.push(`${where}: ${why}`);
  }
  const known = new Set(scalars.map((f) => columnOf(mod, f.name)));
  for (const c of table.columns.keys())
    if (!known.has(c)) m.columns.push(`${name}.${c}: column in the database, not in model ${mod.name}`);
}

function compareKeys(dm: Datamodel, mod: DmmfModel, table: Table, m: Mismatches): void {
  const name = tableOf(mod);
  const pk = (mod.primaryKey?.fields ?? mod.fields.filter((f) => f.isId).map((f) => f.name)).map((f) =>
    columnOf(mod, f),
  );
  if (!same(pk, table.primaryKey ?? []))
    m.primaryKeys.push(
      `${name}: schema says ${list(pk)}, database has ${table.primaryKey ? list(table.primaryKey) : 'none'}`,
    );

  const matched = new Set<ForeignKey>();
  for (const f of mod.fields) {
    if (f.kind !== 'object' || !f.relationFromFields?.length) continue;
    const target = dm.models.find((x) => x.name === f.type)!;
    const from = f.relationFromFields.map((x) => columnOf(mod, x));
    const to = f.relationToFields!.map((x) => columnOf(target, x));
    const where = `${name}${list(from)} → ${tableOf(target)}${list(to)} (${mod.name}.${f.name})`;
    const fk = table.foreignKeys.find((k) => same(k.columns, from));
    if (!fk) {
      m.foreignKeys.push(`${where}: no foreign key on ${list(from)}`);
      continue;
    }
    matched.add(fk);
    if (fk.refTable !== tableOf(target) || !same(fk.refColumns, to))
      m.foreignKeys.push(`${where}: ${fk.name} references ${fk.refTable}${list(fk.refColumns)}`);
    // Prisma's defaults: Restrict for a required relation, SetNull for an optional one; updates cascade.
    const onDelete = f.relationOnDelete ?? (f.isRequired ? 'Restrict' : 'SetNull');
    const onUpdate = f.relationOnUpdate ?? 'Cascade';
    if (ACTIONS[fk.onDelete] !== onDelete)
      m.foreignKeys.push(`${where}: schema says ON DELETE ${onDelete}, ${fk.name} has ${ACTIONS[fk.onDelete]}`);
    if (ACTIONS[fk.onUpdate] !== onUpdate)
      m.foreignKeys.push(`${where}: schema says ON UPDATE ${onUpdate}, ${fk.name} has ${ACTIONS[fk.onUpdate]}`);
  }
  for (const fk of table.foreignKeys)
    if (!matched.has(fk))
      m.foreignKeys.push(
        `${name}: foreign key ${fk.name} ${list(fk.columns)} → ${fk.refTable}${list(fk.refColumns)} has no relation in model ${mod.name}`,
      );
}

function compareIndexes(dm: Datamodel, mod: DmmfModel, table: Table, m: Mismatches): void {
  const name = tableOf(mod);
  const uniques = [
    ...mod.uniqueIndexes.map((u) => u.fields),
    ...mod.fields.filter((f) => f.isUnique).map((f) => [f.name]),
  ];
  for (const u of uniques) {
    const cols = u.map((f) => columnOf(mod, f));
    if (!table.indexes.some((i) => i.unique && i.plain && !i.primary && same(i.columns, cols)))
      m.uniques.push(
        `${name}${list(cols)} (${mod.name} @@unique): no unique index or constraint on exactly these columns in this order`,
      );
  }
  for (const idx of dm.indexes.filter((i) => i.model === mod.name && i.type === 'normal')) {
    const cols = idx.fields.map((f) => columnOf(mod, f.name));
    const desc = idx.fields.map((f) => f.sortOrder === 'desc');
    const shown = cols.map((c, i) => `${c}${desc[i] ? ' DESC' : ''}`);
    if (!table.indexes.some((i) => !i.unique && i.plain && same(i.columns, cols) && same(i.desc, desc)))
      m.indexes.push(`${name}${list(shown)} (${mod.name} @@index): no index on exactly these columns in this order`);
  }
}

// --- The tests --------------------------------------------------------------------

describe('schema.prisma and the migrated database', () => {
  const dm = readDatamodel(fs.readFileSync(path.join(projectRoot, 'prisma', 'schema.prisma'), 'utf8'));
  let db: TestDatabase;
  let found: Mismatches;

  beforeAll(async () => {
    db = await createTestDatabase();
    found = compare(dm, await readCatalog(db.pg));
  });
  afterAll(() => db?.drop());

  it('reads a non-trivial schema', () => {
    expect(dm.models.length).toBeGreaterThan(10);
    expect(dm.enums.length).toBeGreaterThan(5);
  });

  it.each(KINDS)('agree on %s', (what) => {
    expect(found[what]).toEqual([]);
  });

  it('notices drift: each kind of change to the database is reported', async () => {
    const drifted = await createTestDatabase();
    try {
      for (const sql of [
        'CREATE TABLE "stray" ("id" INTEGER)',
        'DROP TABLE "deployment_health_checks"',
        'ALTER TABLE "runners" DROP COLUMN "hostname"',
        `CREATE TYPE "stray_status" AS ENUM ('on', 'off')`,
        'ALTER TABLE "users" ALTER COLUMN "name" SET NOT NULL',
        'ALTER TABLE "repos" ADD COLUMN "extra" TEXT',
        'ALTER TABLE "sessions" ALTER COLUMN "user_agent" TYPE VARCHAR(100)',
        `ALTER TYPE "run_status" ADD VALUE 'paused'`,
        'ALTER TABLE "approvals" DROP CONSTRAINT "approvals_pkey", ADD PRIMARY KEY ("id", "user_id")',
        'ALTER TABLE "accounts" DROP CONSTRAINT "accounts_user_id_fkey"',
        'ALTER TABLE "secrets" DROP CONSTRAINT "secrets_repo_id_fkey", ADD CONSTRAINT "secrets_repo_id_fkey" FOREIGN KEY ("repo_id") REFERENCES "repos"("id") ON DELETE RESTRICT ON UPDATE CASCADE',
        'DROP INDEX "users_email_key"',
        'DROP INDEX "runners_pool_last_seen_at_idx"',
        'CREATE INDEX "runners_pool_last_seen_at_idx" ON "runners"("pool", "last_seen_at")',
        `ALTER TABLE "repos" ALTER COLUMN "default_branch" SET DEFAULT 'master'`,
      ])
        await drifted.pg.query(sql);
      const m = compare(dm, await readCatalog(drifted.pg));
      expect(m).toEqual({
        tables: [
          'deployment_health_checks (model DeploymentHealthCheck): no such table',
          'stray: table in the database, no model maps to it',
        ],
        columns: [
          'repos.extra: column in the database, not in model Repo',
          'runners.hostname (Runner.hostname): no such column',
          'sessions.user_agent (Session.userAgent): schema says text, database has character varying(100)',
          'users.name (User.name): schema says nullable, database has NOT NULL',
        ],
        enums: [
          'run_status (enum RunStatus): schema [pending, running, success, failed, cancelled], database [pending, running, success, failed, cancelled, paused]',
          'stray_status: enum type in the database, not in the schema',
        ],
        primaryKeys: ['approvals: schema says (id), database has (id, user_id)'],
        foreignKeys: [
          'accounts(user_id) → users(id) (Account.user): no foreign key on (user_id)',
          'secrets(repo_id) → repos(id) (Secret.repo): schema says ON DELETE Cascade, secrets_repo_id_fkey has Restrict',
        ],
        uniques: ['users(email) (User @@unique): no unique index or constraint on exactly these columns in this order'],
        indexes: ['runners(pool, last_seen_at DESC) (Runner @@index): no index on exactly these columns in this order'],
        defaults: [`repos.default_branch (Repo.defaultBranch): default "main", database has 'master'::text`],
      });
    } finally {
      await drifted.drop();
    }
  });
});
