'use client';
// The flaky-tests page: the chronic offenders, flakiest first, with how often
// they flaked, when last, on which job and pipeline, the time their retries
// cost, and whether they are quarantined (developers quarantine and release).
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { formatAge } from '@/components/runs/format';
import { useTRPC } from '@/components/trpc/client';
import { formatRate, formatTimeLost, testTitle } from './format';
import { QuarantineButton } from './quarantine-button';
import styles from './tests.module.css';
import { When } from '@/components/layout/when';
import { RepoFilter } from '@/components/runs/repo-filter';

type Quarantined = '' | 'only' | 'none';

export function FlakyTestsView({ canAct }: { canAct: boolean }) {
  const trpc = useTRPC();
  const [search, setSearch] = useState('');
  const [repo, setRepo] = useState('');
  const [quarantined, setQuarantined] = useState<Quarantined>('');
  const flaky = useQuery({
    ...trpc.tests.flaky.queryOptions({
      search: search || undefined,
      repo: repo || undefined,
      quarantined: quarantined || undefined,
    }),
    refetchInterval: 30_000,
  });
  const now = new Date();

  return (
    <section aria-labelledby="flaky-heading">
      <h2 id="flaky-heading" className="sr-only">
        Flaky tests
      </h2>
      <form className="filters" role="search" aria-label="Filter tests" onSubmit={(e) => e.preventDefault()}>
        <label>
          Test or job
          <input
            type="search"
            defaultValue={search}
            placeholder="discount"
            onKeyDown={(e) => e.key === 'Enter' && setSearch(e.currentTarget.value.trim())}
            onBlur={(e) => setSearch(e.currentTarget.value.trim())}
          />
        </label>
        <RepoFilter value={repo} onChange={setRepo} />
        <label>
          Quarantine
          <select value={quarantined} onChange={(e) => setQuarantined(e.target.value as Quarantined)}>
            <option value="">Any</option>
            <option value="only">Quarantined</option>
            <option value="none">Not quarantined</option>
          </select>
        </label>
      </form>
      {flaky.isPending ? (
        <p className="muted">Loading tests…</p>
      ) : flaky.isError ? (
        <p role="alert" className="error">
          Could not load tests: {flaky.error.message}
        </p>
      ) : flaky.data.tests.length === 0 ? (
        <div className="empty">
          <h2>No flaky tests</h2>
          <p>
            A test shows here once it failed and passed on the same commit. Jobs feed it with{' '}
            <code>reports: {'{ junit: reports/*.xml }'}</code> in <code>.ci/pipeline.yml</code>.
          </p>
        </div>
      ) : (
        <div className="table-scroll">
          <table className="table">
            <caption>Flakiest first · last {flaky.data.windowDays} days</caption>
            <thead>
              <tr>
                <th scope="col">Test</th>
                <th scope="col">Job</th>
                <th scope="col">Flake rate</th>
                <th scope="col">Flaky / runs</th>
                <th scope="col">Last flaky</th>
                <th scope="col">Time lost</th>
                <th scope="col">Quarantine</th>
              </tr>
            </thead>
            <tbody>
              {flaky.data.tests.map((t) => (
                <tr key={t.id} data-testid="flaky-test">
                  <td className={styles.testName}>
                    <Link href={`/tests/${t.id}`}>{testTitle(t)}</Link>
                  </td>
                  <td>
                    {t.jobName}
                    <div className="muted small">
                      {t.pipeline.repo.name}
                      {t.pipeline.name !== t.pipeline.repo.name ? ` / ${t.pipeline.name}` : ''}
                    </div>
                  </td>
                  <td className={styles.rate}>
                    {formatRate(t.flakeRate)}
                    <span className={styles.phoneLabel}> flake rate</span>
                  </td>
                  <td className={styles.numbers}>
                    {t.flakyCount} / {t.runs}
                    <span className={styles.phoneLabel}> flaky commits / runs</span>
                  </td>
                  <td>
                    {t.lastFlakyAt ? <When at={t.lastFlakyAt} now={now} /> : '—'}
                    {t.lastSeenAt && <div className="muted small">ran {formatAge(t.lastSeenAt, now)}</div>}
                  </td>
                  <td className={styles.numbers}>
                    <span className={styles.phoneLabel}>time lost </span>
                    {formatTimeLost(t.timeLostMs)}
                  </td>
                  <td>
                    {t.quarantinedAt ? (
                      <span className={styles.quarantined} title={t.quarantineReason ?? undefined}>
                        quarantined
                      </span>
                    ) : (
                      <span className="muted small">no</span>
                    )}{' '}
                    {canAct && <QuarantineButton test={{ ...t, name: testTitle(t) }} />}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
