import { describe, expect, it } from 'vitest';
import { waitReasons } from './wait-reasons';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
const job = (id: string, priority: number, s: number) => ({ id, priority, queuedAt: at(s) });

describe('waitReasons', () => {
  it('says when no runner is registered or none is online', () => {
    expect(waitReasons('gpu', [], [job('a', 0, 1)]).get('a')?.kind).toBe('no_runner');
    const offline = waitReasons('gpu', [{ online: false, concurrency: 2, running: 0 }], [job('a', 0, 1)]);
    expect(offline.get('a')).toEqual({ kind: 'offline', text: 'No runner of pool gpu is online (1 registered)' });
  });

  it('says a job is next when a slot is free, and busy behind the queue otherwise', () => {
    const runners = [{ online: true, concurrency: 2, running: 1 }];
    const r = waitReasons('default', runners, [job('a', 10, 1), job('b', 10, 2), job('c', 10, 3)]);
    expect(r.get('a')?.kind).toBe('next');
    expect(r.get('b')).toEqual({ kind: 'busy', text: 'All 2 slots of 1 online runner are busy; 0 jobs ahead' });
    expect(r.get('c')?.text).toContain('1 job ahead');
  });

  it('blames higher priority when that is what is ahead', () => {
    const runners = [{ online: true, concurrency: 1, running: 1 }];
    const r = waitReasons('default', runners, [job('sched', 0, 1), job('push1', 10, 5), job('push2', 10, 6)]);
    expect(r.get('sched')).toEqual({ kind: 'priority', text: 'Behind 2 jobs of higher priority' });
    expect(r.get('push1')?.kind).toBe('busy');
  });

  it('says a scheduled job waits because the last free slot is kept for push and PR runs', () => {
    const runners = [
      { online: true, concurrency: 1, running: 1 },
      { online: true, concurrency: 1, running: 1 },
      { online: true, concurrency: 1, running: 0 },
    ];
    const r = waitReasons('default', runners, [job('sched', 0, 1)], { running: 2, cap: 2 });
    expect(r.get('sched')).toEqual({
      kind: 'reserved',
      text: 'Scheduled work holds at most 2 slots of pool default: the rest stay free for push and PR runs',
    });
    // A push takes that slot; with room under the cap a scheduled job is next too.
    expect(waitReasons('default', runners, [job('push', 10, 1)], { running: 2, cap: 2 }).get('push')?.kind).toBe(
      'next',
    );
    expect(waitReasons('default', runners, [job('sched', 0, 1)], { running: 1, cap: 2 }).get('sched')?.kind).toBe(
      'next',
    );
  });
});
