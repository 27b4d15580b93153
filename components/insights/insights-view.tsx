'use client';
// The insights page: the two numbers users care most about (mean time to
// detect a broken build, mean time to deploy) over the last 30 or 90 days,
// then each pipeline's success rate and run duration per day.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { formatDuration } from '@/components/runs/format';
import { useTRPC } from '@/components/trpc/client';
import type { InsightsTrends } from '@/server/domain/insights/trends';
import { TrendChart, type TrendPoint } from './trend-chart';
import styles from './insights.module.css';

type Days = 30 | 90;

const seconds = (s: number) => formatDuration(s * 1000);
const percent = (r: number) => `${Math.round(r * 100)} %`;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function InsightsView() {
  const trpc = useTRPC();
  const [days, setDays] = useState<Days>(30);
  const trends = useQuery({ ...trpc.insights.trends.queryOptions({ days }), refetchInterval: 60_000 });
  return (
    <>
      <div className={styles.range} role="group" aria-label="Window">
        {([30, 90] as const).map((d) => (
          <button key={d} type="button" aria-pressed={days === d} onClick={() => setDays(d)}>
            {d} days
          </button>
        ))}
      </div>
      {trends.isPending ? (
        <p className="muted">Loading insights…</p>
      ) : trends.isError ? (
        <p role="alert" className="error">
          Could not load insights: {trends.error.message}
        </p>
      ) : (
        <Trends data={trends.data} />
      )}
    </>
  );
}

type TrendsData = InsightsTrends;

/** The page below the window switch, for data already loaded. */
export function Trends({ data }: { data: TrendsData }) {
  const per = data.unit === 'day' ? 'per day' : 'per week';
  const { meanTimeToDetect: detect, meanTimeToDeploy: deploy } = data.northStar;
  return (
    <>
      <h2 className="section-title">North-star numbers, {per}</h2>
      <div className={styles.northStar}>
        <NorthStar
          title="Mean time to detect a broken build"
          explain="From a push to its run known failed."
          series={detect}
          noun="broken build"
          empty="No build broke in this window. When a run fails, the time from its push to the first failing job shows here."
          per={per}
          testId="insights-mttd"
        />
        <NorthStar
          title="Mean time to deploy"
          explain="From a push to production healthy with it."
          series={deploy}
          noun="production deploy"
          empty="Nothing reached production in this window. When a run's production deployment turns healthy, the time from its push shows here."
          per={per}
          testId="insights-mttdeploy"
        />
      </div>
      <h2 className="section-title">Pipelines, per day</h2>
      {data.pipelines.length === 0 ? (
        <div className="empty" data-testid="insights-no-pipelines">
          <h3>No finished runs in the last {data.days} days</h3>
          <p>
            Each pipeline with a successful or failed run in the window gets its success rate and run duration per day
            here.
          </p>
        </div>
      ) : (
        <div className={styles.pipelines}>
          {data.pipelines.map((p) => (
            <section key={p.id} className={styles.pipeline} data-testid="insights-pipeline">
              <h3>
                {p.repo} <span className="muted small">{p.name}</span>
              </h3>
              <p className="muted small">
                {plural(p.runs, 'finished run')}
                {p.successRate !== null && `, ${percent(p.successRate)} succeeded`}
              </p>
              <div className={styles.charts}>
                <TrendChart
                  title="Success rate"
                  kind="bars"
                  scale="ratio"
                  format={percent}
                  points={p.points.map((x): TrendPoint => ({
                    start: x.start,
                    value: x.successRate,
                    detail: plural(x.runs, 'run'),
                  }))}
                />
                <TrendChart
                  title="Mean run duration"
                  kind="line"
                  scale="duration"
                  format={seconds}
                  points={p.points.map((x): TrendPoint => ({
                    start: x.start,
                    value: x.meanDurationSeconds,
                    detail: plural(x.runs, 'run'),
                  }))}
                />
              </div>
            </section>
          ))}
        </div>
      )}
    </>
  );
}

function NorthStar({
  title,
  explain,
  series,
  noun,
  empty,
  per,
  testId,
}: {
  title: string;
  explain: string;
  series: TrendsData['northStar']['meanTimeToDetect'];
  noun: string;
  empty: string;
  /** "per day" or "per week". */
  per: string;
  testId: string;
}) {
  const count = series.points.reduce((n, p) => n + p.count, 0);
  return (
    <section className={styles.figure} data-testid={testId}>
      <h2>{title}</h2>
      <p className="muted small">{explain}</p>
      <p className={styles.big}>
        {series.overallSeconds === null ? '—' : seconds(series.overallSeconds)} <small>{plural(count, noun)}</small>
      </p>
      {count === 0 ? (
        <p className="muted small">{empty}</p>
      ) : (
        <TrendChart
          title={`Mean ${per}`}
          kind="line"
          scale="duration"
          format={seconds}
          points={series.points.map((p) => ({ start: p.start, value: p.meanSeconds, detail: plural(p.count, noun) }))}
        />
      )}
    </section>
  );
}
