// What people read about tests: the chronic offenders (flakiest first), one
// test's history, and a job's test results by attempt.
import { z } from 'zod';
import type { DbTx } from '../../db/client';
import type { Prisma } from '../../db/generated/client';
import { NotFound } from '../errors';

export const FlakyFilter = z.object({
  /** Part of the test's name or suite, or of its job's name. */
  search: z.string().trim().max(200).optional(),
  repo: z.string().trim().max(200).optional(),
  /** `only`: quarantined tests; `none`: tests not quarantined; default both. */
  quarantined: z.enum(['only', 'none']).optional(),
  limit: z.number().int().min(1).max(500).default(100),
});
export type FlakyFilter = z.input<typeof FlakyFilter>;

const PIPELINE = { select: { id: true, name: true, repo: { select: { name: true } } } } as const;

/** Tests that were flaky in the window, or are quarantined: highest flake rate first. */
export async function listFlakyTests(db: DbTx, raw: FlakyFilter) {
  const f = FlakyFilter.parse(raw);
  const where: Prisma.TestCaseWhereInput = {
    AND: [
      { OR: [{ flakyCount: { gt: 0 } }, { quarantinedAt: { not: null } }] },
      f.search
        ? {
            OR: ['name', 'suite', 'jobName'].map((field) => ({
              [field]: { contains: f.search, mode: 'insensitive' as const },
            })),
          }
        : {},
      f.repo ? { pipeline: { repo: { name: f.repo } } } : {},
      f.quarantined === 'only' ? { quarantinedAt: { not: null } } : {},
      f.quarantined === 'none' ? { quarantinedAt: null } : {},
    ],
  };
  const rows = await db.testCase.findMany({
    where,
    orderBy: [{ flakeRate: 'desc' }, { flakyCount: 'desc' }, { lastFlakyAt: { sort: 'desc', nulls: 'last' } }],
    take: f.limit,
    include: { pipeline: PIPELINE },
  });
  return rows.map(({ timeLostMs, ...r }) => ({ ...r, timeLostMs: Number(timeLostMs) }));
}

/** One test with its latest results (newest first), each with its commit, run, job and attempt. */
export async function testHistory(db: DbTx, id: string, limit = 200) {
  const test = await db.testCase.findUnique({ where: { id }, include: { pipeline: PIPELINE } });
  if (!test) throw new NotFound(`Test ${id}`);
  const results = await db.testResult.findMany({
    where: { testCaseId: id },
    orderBy: { createdAt: 'desc' },
    take: limit,
    select: {
      id: true,
      status: true,
      durationMs: true,
      message: true,
      commitSha: true,
      quarantined: true,
      createdAt: true,
      attempt: { select: { number: true } },
      job: {
        select: { id: true, name: true, status: true, run: { select: { id: true, number: true, branch: true } } },
      },
    },
  });
  return { test: { ...test, timeLostMs: Number(test.timeLostMs) }, results };
}

/** A job's reports and failed tests, per attempt (latest first). */
export async function jobTests(db: DbTx, jobId: string) {
  const [reports, results] = await Promise.all([
    db.testReport.findMany({
      where: { jobId },
      select: {
        path: true,
        tests: true,
        failures: true,
        skipped: true,
        error: true,
        attempt: { select: { number: true } },
      },
      orderBy: { path: 'asc' },
    }),
    db.testResult.findMany({
      where: { jobId },
      select: {
        status: true,
        durationMs: true,
        message: true,
        quarantined: true,
        attempt: { select: { number: true } },
        testCase: { select: { id: true, suite: true, name: true, flakeRate: true, quarantinedAt: true } },
      },
    }),
  ]);
  const numbers = [...new Set([...reports, ...results].map((r) => r.attempt.number))].sort((a, b) => b - a);
  return numbers.map((number) => {
    const mine = results.filter((r) => r.attempt.number === number);
    const count = (status: string) => mine.filter((r) => r.status === status).length;
    return {
      attempt: number,
      reports: reports.filter((r) => r.attempt.number === number).map(({ attempt: _, ...r }) => r),
      passed: count('passed'),
      failed: count('failed') + count('error'),
      skipped: count('skipped'),
      failures: mine
        .filter((r) => r.status === 'failed' || r.status === 'error')
        .map((r) => ({
          testCaseId: r.testCase.id,
          suite: r.testCase.suite,
          name: r.testCase.name,
          status: r.status,
          durationMs: r.durationMs,
          message: r.message,
          quarantined: r.quarantined,
          flakeRate: r.testCase.flakeRate,
        }))
        .sort((a, b) => Number(a.quarantined) - Number(b.quarantined) || a.name.localeCompare(b.name)),
    };
  });
}
