// One shared one-second clock for everything in the graph that ticks (running
// jobs' durations, the critical path total): a single interval however many
// jobs run, only while something is subscribed, and only the subscribers
// re-render on a tick.
import { useSyncExternalStore } from 'react';

const TICK_MS = 1000;
const listeners = new Set<() => void>();
let now = 0;
let timer: ReturnType<typeof setInterval> | undefined;

function tick() {
  now = Date.now();
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  if (timer === undefined) {
    now = Date.now();
    timer = setInterval(tick, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

const noSubscription = () => () => {};

/**
 * Epoch ms, ticking every second. `fixed` (a clock the page controls) wins and
 * stops the ticking. Null while rendering on the server and hydrating, so
 * server and client markup agree, and until the first subscription.
 */
export function useNow(fixed: number | null): number | null {
  const live = useSyncExternalStore(
    fixed === null ? subscribe : noSubscription,
    () => (now === 0 ? null : now),
    () => null,
  );
  return fixed ?? live;
}

/** The time now, for work done once per input change (not on render). */
export function wallClock(): number {
  return Date.now();
}

/** False on the server and while hydrating, true after: lets a component render client-only parts. */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
}
