import { describe, expect, it } from 'vitest';
import { LogFeed, type Schedule } from './log-feed';

const T = '2026-12-04T16:30:00.123Z';

/** A scheduler run by hand, standing in for requestAnimationFrame. */
function manualFrames() {
  const tasks = new Set<() => void>();
  const schedule: Schedule = (task) => {
    tasks.add(task);
    return () => tasks.delete(task);
  };
  const frame = () => {
    const due = [...tasks];
    tasks.clear();
    for (const task of due) task();
  };
  return { schedule, frame, pending: () => tasks.size };
}

const chunk = (seq: number, text: string) => ({ kind: 'chunk' as const, chunk: { seq, text } });

describe('LogFeed', () => {
  it('publishes a burst of chunks once, on the next frame', () => {
    const frames = manualFrames();
    const feed = new LogFeed(frames.schedule);
    let renders = 0;
    feed.subscribe(() => renders++);
    feed.accept('job:1', chunk(0, `${T} a\n${T} b`));
    feed.accept('job:1', chunk(1, `c\n${T} d\n`));
    expect(frames.pending()).toBe(1);
    expect(renders).toBe(0);
    frames.frame();
    expect(renders).toBe(1);
    expect(feed.getView()).toEqual({
      key: 'job:1',
      ended: false,
      lines: [
        { n: 1, at: T, text: 'a' },
        { n: 2, at: T, text: 'bc' },
        { n: 3, at: T, text: 'd' },
      ],
    });
  });

  it('publishes the end at once, with what is still waiting for a frame', () => {
    const frames = manualFrames();
    const feed = new LogFeed(frames.schedule);
    feed.accept('job:1', chunk(0, `${T} last words`));
    feed.accept('job:1', { kind: 'end' });
    expect(frames.pending()).toBe(0);
    expect(feed.getView()).toEqual({ key: 'job:1', ended: true, lines: [{ n: 1, at: T, text: 'last words' }] });
  });

  it('ignores a chunk it has already taken (resent after a reconnect)', () => {
    const frames = manualFrames();
    const feed = new LogFeed(frames.schedule);
    feed.accept('job:1', chunk(0, `${T} once\n`));
    feed.accept('job:1', chunk(0, `${T} once\n`));
    frames.frame();
    expect(feed.getView().lines).toHaveLength(1);
  });

  it('starts over for another attempt', () => {
    const frames = manualFrames();
    const feed = new LogFeed(frames.schedule);
    feed.accept('job:1', chunk(0, `${T} first attempt\n`));
    feed.accept('job:1', { kind: 'end' });
    feed.accept('job:2', chunk(0, `${T} second attempt\n`));
    frames.frame();
    expect(feed.getView()).toEqual({ key: 'job:2', ended: false, lines: [{ n: 1, at: T, text: 'second attempt' }] });
  });

  it('publishes nothing after dispose', () => {
    const frames = manualFrames();
    const feed = new LogFeed(frames.schedule);
    let renders = 0;
    feed.subscribe(() => renders++);
    feed.accept('job:1', chunk(0, `${T} x\n`));
    feed.dispose();
    frames.frame();
    expect(renders).toBe(0);
  });
});
