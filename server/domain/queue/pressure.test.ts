import { describe, expect, it } from 'vitest';
import {
  CALM,
  decideQueuePressure,
  type PressureConfig,
  type PressureInput,
  type QueueFigure,
  type ScaledRunner,
} from './pressure';

const NOW = new Date('2026-12-05T12:00:00Z');
const CONFIG: PressureConfig = {
  scaleUpDepth: 10,
  shedDepth: 40,
  shedWaitSeconds: 300,
  maxRunners: 3,
  idleSeconds: 60,
  sheddablePriority: 0,
};

const q = (pool: string, priority: number, depth: number, oldestWaitSeconds = 5): QueueFigure => ({
  pool,
  priority,
  depth,
  oldestWaitSeconds,
});
const ago = (s: number) => new Date(NOW.getTime() - s * 1000);
const runner = (name: string, over: Partial<ScaledRunner> = {}): ScaledRunner => ({
  name,
  state: 'online',
  busy: false,
  idleSince: ago(120),
  ...over,
});

function input(over: Partial<PressureInput> = {}): PressureInput {
  return {
    now: NOW,
    queues: [],
    capacity: [{ pool: 'default', online: 1, slots: 1, busy: 1 }],
    autoscaler: { pool: 'default', runners: [] },
    config: CONFIG,
    previous: CALM,
    ...over,
  };
}

describe('decideQueuePressure', () => {
  it('does nothing when calm', () => {
    const r = decideQueuePressure(input({ queues: [q('default', 10, 2), q('default', 0, 3)] }));
    expect(r.decisions).toEqual([]);
    expect(r.state).toEqual(CALM);
  });

  it('scales up by what the queue needs beyond free slots, up to the maximum', () => {
    const small = decideQueuePressure(
      input({
        queues: [q('default', 0, 11)],
        capacity: [{ pool: 'default', online: 10, slots: 10, busy: 0 }],
      }),
    );
    expect(small.decisions).toEqual([expect.objectContaining({ kind: 'scale_up', from: 0, to: 1, depth: 11 })]);
    expect(small.state.lastScaleUpAt.default).toBe(NOW.toISOString());

    const big = decideQueuePressure(input({ queues: [q('default', 0, 30)] }));
    expect(big.decisions).toEqual([expect.objectContaining({ kind: 'scale_up', from: 0, to: 3 })]);
    expect(big.decisions[0]!.reason).toMatch(/queue depth 30 at or over 10 with 0 free slots: 3 more runners/);
  });

  it('does not scale up past the maximum, while a runner is still starting, or when off', () => {
    const full = input({
      queues: [q('default', 0, 30)],
      autoscaler: {
        pool: 'default',
        runners: [runner('a', { busy: true }), runner('b', { busy: true }), runner('c', { busy: true })],
      },
    });
    expect(decideQueuePressure(full).decisions).toEqual([]);
    const starting = input({
      queues: [q('default', 0, 30)],
      autoscaler: { pool: 'default', runners: [runner('a', { state: 'starting', idleSince: null })] },
    });
    expect(decideQueuePressure(starting).decisions).toEqual([]);
    const off = input({ queues: [q('default', 0, 30)], config: { ...CONFIG, maxRunners: 0 } });
    expect(decideQueuePressure(off).decisions).toEqual([]);
    expect(decideQueuePressure(input({ queues: [q('default', 0, 30)], autoscaler: null })).decisions).toEqual([]);
  });

  it('only counts the autoscaled pool for scaling', () => {
    const r = decideQueuePressure(input({ queues: [q('gpu', 0, 30)] }));
    expect(r.decisions).toEqual([]);
  });

  it('stops idle autoscaled runners after the cool-down, never busy or recently idle ones', () => {
    const r = decideQueuePressure(
      input({
        queues: [q('default', 10, 1)],
        autoscaler: {
          pool: 'default',
          runners: [
            runner('busy', { busy: true, idleSince: null }),
            runner('idle-long', { idleSince: ago(300) }),
            runner('idle-short', { idleSince: ago(10) }),
            runner('idle-enough', { idleSince: ago(60) }),
          ],
        },
        config: { ...CONFIG, maxRunners: 4 },
      }),
    );
    expect(r.decisions).toEqual([
      expect.objectContaining({ kind: 'scale_down', from: 4, to: 2, stop: ['idle-long', 'idle-enough'] }),
    ]);
  });

  it('holds runners while the queue is above half the scale-up depth or right after a scale-up (no flapping)', () => {
    const runners = [runner('a', { idleSince: ago(600) })];
    const busyQueue = input({ queues: [q('default', 0, 5)], autoscaler: { pool: 'default', runners } });
    expect(decideQueuePressure(busyQueue).decisions).toEqual([]);
    const justScaled = input({
      queues: [],
      autoscaler: { pool: 'default', runners },
      previous: { shedding: [], lastScaleUpAt: { default: ago(30).toISOString() } },
    });
    expect(decideQueuePressure(justScaled).decisions).toEqual([]);
    const later = { ...justScaled, previous: { shedding: [], lastScaleUpAt: { default: ago(61).toISOString() } } };
    expect(decideQueuePressure(later).decisions).toEqual([
      expect.objectContaining({ kind: 'scale_down', stop: ['a'] }),
    ]);
  });

  it('sheds scheduled work down to the low mark when over the depth threshold, and says why', () => {
    const r = decideQueuePressure(
      input({
        queues: [q('default', 10, 5), q('default', 0, 195)],
        autoscaler: {
          pool: 'default',
          runners: [runner('a', { busy: true }), runner('b', { busy: true }), runner('c', { busy: true })],
        },
      }),
    );
    expect(r.decisions).toEqual([
      {
        kind: 'shed',
        pool: 'default',
        jobs: 180,
        depth: 200,
        threshold: 40,
        maxPriority: 0,
        reason: 'shed: queue depth 200 over threshold 40',
      },
    ]);
    expect(r.state.shedding).toEqual(['default']);
  });

  it('never sheds more than the sheddable priorities hold', () => {
    const r = decideQueuePressure(input({ queues: [q('default', 10, 60), q('default', 0, 7)], autoscaler: null }));
    expect(r.decisions).toEqual([expect.objectContaining({ kind: 'shed', jobs: 7 })]);
    const none = decideQueuePressure(input({ queues: [q('default', 10, 60)], autoscaler: null }));
    expect(none.decisions).toEqual([]);
    expect(none.state.shedding).toEqual(['default']);
  });

  it('sheds on oldest wait too', () => {
    const r = decideQueuePressure(input({ queues: [q('default', 0, 30, 400)], autoscaler: null }));
    expect(r.decisions).toEqual([
      expect.objectContaining({ kind: 'shed', jobs: 10, reason: 'shed: oldest wait 400 s over threshold 300 s' }),
    ]);
  });

  it('keeps shedding between the low mark and the threshold, then says calm once under it', () => {
    const previous = { shedding: ['default'], lastScaleUpAt: {} };
    const between = decideQueuePressure(input({ queues: [q('default', 0, 30)], previous, autoscaler: null }));
    expect(between.decisions).toEqual([
      expect.objectContaining({ kind: 'shed', jobs: 10, reason: 'shed: queue depth 30 still over the low mark 20' }),
    ]);
    expect(between.state.shedding).toEqual(['default']);
    // Not yet shedding: 30 is under the threshold, nothing happens.
    expect(decideQueuePressure(input({ queues: [q('default', 0, 30)], autoscaler: null })).decisions).toEqual([]);
    const under = decideQueuePressure(input({ queues: [q('default', 0, 20)], previous, autoscaler: null }));
    expect(under.decisions).toEqual([
      {
        kind: 'calm',
        pool: 'default',
        depth: 20,
        reason: 'queue depth 20 back under 20: scheduled runs are no longer shed',
      },
    ]);
    expect(under.state.shedding).toEqual([]);
    const empty = decideQueuePressure(input({ queues: [], previous, autoscaler: null }));
    expect(empty.decisions).toEqual([expect.objectContaining({ kind: 'calm', depth: 0 })]);
  });

  it('scales on the depth left after shedding', () => {
    const r = decideQueuePressure(
      input({ queues: [q('default', 0, 200)], config: { ...CONFIG, scaleUpDepth: 25, shedDepth: 40 } }),
    );
    expect(r.decisions.map((d) => d.kind)).toEqual(['shed']);
    const r2 = decideQueuePressure(
      input({ queues: [q('default', 0, 200)], config: { ...CONFIG, scaleUpDepth: 5, shedDepth: 40 } }),
    );
    expect(r2.decisions).toEqual([
      expect.objectContaining({ kind: 'scale_up', depth: 20, to: 3 }),
      expect.objectContaining({ kind: 'shed', jobs: 180 }),
    ]);
  });
});
