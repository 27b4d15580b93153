// Where a rollout's health figures come from: the built-in proxy's counters,
// or a Prometheus server's HTTP API. A window starts when a step's traffic is
// in place and is read at its end.
import type { WindowStats } from '../health-analysis';

export interface MetricsWindow {
  /** The figures of the version between the start of the window and now. */
  read(): Promise<WindowStats>;
}

export interface MetricsSource {
  /** `proxy` or `prometheus`, shown with each analysis. */
  readonly name: string;
  startWindow(environment: string, version: string): Promise<MetricsWindow>;
}
