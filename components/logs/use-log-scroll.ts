'use client';
// Where the log is scrolled: following the tail of a live log, and jumping to a
// line the URL points at once that line has arrived.
//
// Invariants: `followRef` is what decides (effects read it); `following` only
// mirrors it for rendering. Following turns off whenever the view leaves the
// bottom (a scroll event, or a wheel/key gesture upward, which is acted on at
// once so a batch of new lines cannot snap the view back first), and whenever
// we scroll to a line ourselves. It turns on again at the bottom.
import type { Virtualizer } from '@tanstack/react-virtual';
import {
  useCallback,
  useLayoutEffect,
  useRef,
  useState,
  type KeyboardEvent,
  type RefObject,
  type WheelEvent,
} from 'react';

const UP_KEYS = new Set(['ArrowUp', 'PageUp', 'Home']);

interface Options {
  scrollRef: RefObject<HTMLDivElement | null>;
  virtualizer: Virtualizer<HTMLDivElement, Element>;
  rowHeight: number;
  count: number;
  /** Whether to start at the tail, following it. */
  startFollowing: boolean;
  /** A line to bring into view once it exists (from the URL or a prop), or null. */
  targetLine: number | null;
  /** Changes when the target is asked for again (a new hash). */
  targetKey: string;
}

export function useLogScroll({
  scrollRef,
  virtualizer,
  rowHeight,
  count,
  startFollowing,
  targetLine,
  targetKey,
}: Options) {
  const followRef = useRef(startFollowing);
  const [following, setFollowing] = useState(startFollowing);
  /** The target key already scrolled to (or chosen by a click, so already in view). */
  const reached = useRef<string | null>(null);

  const setFollow = useCallback((on: boolean) => {
    followRef.current = on;
    setFollowing(on);
  }, []);

  /** Shows the last line, ending any scroll to a line still settling. */
  const toBottom = useCallback(() => {
    const el = scrollRef.current;
    if (!el) return;
    virtualizer.cancelScroll();
    el.scrollTop = el.scrollHeight;
  }, [scrollRef, virtualizer]);

  // Runs after every change in the number of lines, before paint, so the view never flickers.
  useLayoutEffect(() => {
    if (targetLine !== null && reached.current !== targetKey) {
      followRef.current = false; // a link to a line wins over following
      if (count < targetLine) return; // not arrived yet
      reached.current = targetKey;
      virtualizer.scrollToIndex(targetLine - 1, { align: 'center' });
      return;
    }
    if (followRef.current) toBottom();
  }, [virtualizer, toBottom, count, targetLine, targetKey]);

  const onScroll = useCallback(() => {
    const el = scrollRef.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < rowHeight;
    if (atBottom !== followRef.current) setFollow(atBottom);
  }, [scrollRef, rowHeight, setFollow]);

  const onWheel = useCallback(
    (e: WheelEvent) => {
      if (e.deltaY < 0 && followRef.current) setFollow(false);
    },
    [setFollow],
  );

  const onKeyDown = useCallback(
    (e: KeyboardEvent) => {
      if (UP_KEYS.has(e.key) && followRef.current) setFollow(false);
    },
    [setFollow],
  );

  /** Brings line `n` into view (centred), which stops following. */
  const scrollToLine = useCallback(
    (n: number) => {
      setFollow(false);
      virtualizer.scrollToIndex(n - 1, { align: 'center' });
    },
    [virtualizer, setFollow],
  );

  /** Jumps to the last line and follows from there. */
  const followTail = useCallback(() => {
    setFollow(true);
    toBottom();
  }, [setFollow, toBottom]);

  /** Stays on the line the user clicked (already on screen), which a new hash of `key` will point at. */
  const holdAt = useCallback(
    (key: string) => {
      reached.current = key;
      setFollow(false);
    },
    [setFollow],
  );

  return { following, onScroll, onWheel, onKeyDown, scrollToLine, followTail, holdAt };
}
