// The scenarios `npm run bench` runs, in this order (docs/benchmarks.md).
import type { Scenario } from '../harness/scenario';
import { endToEnd } from './end-to-end';
import { footprint } from './footprint';
import { logs } from './log-pipeline';
import { recovery } from './recovery';
import { throughput } from './throughput';
import { trigger } from './trigger-latency';
import { ingest } from './webhook-ingest';

export const scenarios: Scenario[] = [footprint, trigger, throughput, endToEnd, logs, recovery, ingest];
