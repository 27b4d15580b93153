import { describe, expect, it } from 'vitest';
import { checksum, MigrationError, planMigrations, type MigrationFile } from './migrate';

function file(name: string, sql = `-- ${name}\n`): MigrationFile {
  return { name, sql, checksum: checksum(Buffer.from(sql)) };
}

const T = new Date('2026-12-03T10:00:00Z');

function applied(
  f: MigrationFile,
  over: Partial<{ checksum: string; finished_at: Date | null; rolled_back_at: Date | null }> = {},
) {
  return { migration_name: f.name, checksum: f.checksum, finished_at: T, rolled_back_at: null, ...over };
}

const a = file('20261203000000_init');
const b = file('20261210000000_runner_labels');
const c = file('20270105000000_flaky_window');

function planError(files: MigrationFile[], rows: ReturnType<typeof applied>[]): MigrationError {
  try {
    planMigrations(files, rows);
  } catch (err) {
    expect(err).toBeInstanceOf(MigrationError);
    return err as MigrationError;
  }
  throw new Error('planMigrations did not throw');
}

describe('planMigrations', () => {
  it('plans every migration, in name order, when nothing is applied', () => {
    // readMigrations sorts by name; the plan keeps the files' order.
    expect(planMigrations([a, b, c], []).map((f) => f.name)).toEqual([a.name, b.name, c.name]);
  });

  it('plans only the migrations not applied yet', () => {
    expect(planMigrations([a, b, c], [applied(a), applied(b)])).toEqual([c]);
  });

  it('plans nothing when everything is applied', () => {
    expect(planMigrations([a, b], [applied(b), applied(a)])).toEqual([]);
  });

  it('refuses an applied migration whose file changed, naming it', () => {
    const changed = file(b.name, '-- edited after it was applied\n');
    const err = planError([a, changed, c], [applied(a), applied(b)]);
    expect(err.message).toContain(b.name);
    expect(err.message).toContain(b.checksum.slice(0, 12));
    expect(err.message).toContain(changed.checksum.slice(0, 12));
  });

  it('refuses to go on after a migration that started and never finished', () => {
    const err = planError([a, b], [applied(a), applied(b, { finished_at: null })]);
    expect(err.message).toContain(b.name);
    expect(err.message).toMatch(/never finished/);
  });

  it('refuses a database that has a migration this checkout lacks', () => {
    const err = planError([a, b], [applied(a), applied(b), applied(c)]);
    expect(err.message).toContain(c.name);
  });

  it('ignores rolled-back rows: the migration is pending again', () => {
    const rows = [applied(a), applied(b, { finished_at: null, rolled_back_at: T })];
    expect(planMigrations([a, b], rows)).toEqual([b]);
  });

  it('ignores a rolled-back row whose checksum differs (the file was fixed) and one of a migration since removed', () => {
    const fixed = file(b.name, '-- fixed\n');
    const removed = file('20261205000000_abandoned');
    const rows = [
      applied(a),
      applied(b, { finished_at: null, rolled_back_at: T }),
      applied(removed, { finished_at: null, rolled_back_at: T }),
    ];
    expect(planMigrations([a, fixed], rows)).toEqual([fixed]);
  });

  it('takes a failed-then-fixed migration as applied once its finished row exists', () => {
    const fixed = file(b.name, '-- fixed\n');
    const rows = [applied(a), applied(b, { finished_at: null, rolled_back_at: T }), applied(fixed)];
    expect(planMigrations([a, fixed, c], rows)).toEqual([c]);
  });
});
