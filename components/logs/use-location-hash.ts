'use client';
// The URL's hash as React state. `history.replaceState` fires no event, so
// replaceLocationHash announces its own change to every subscriber.
import { useSyncExternalStore } from 'react';

const REPLACED = 'switchyard:hash-replaced';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  window.addEventListener(REPLACED, onChange);
  return () => {
    window.removeEventListener('hashchange', onChange);
    window.removeEventListener(REPLACED, onChange);
  };
}

/** The current hash (`#L12`), or '' on the server and before hydration. */
export function useLocationHash(): string {
  return useSyncExternalStore(
    subscribe,
    () => window.location.hash,
    () => '',
  );
}

/** Sets the hash without a history entry or a jump (a link to a line should not fill the back button). */
export function replaceLocationHash(hash: string): void {
  window.history.replaceState(null, '', hash);
  window.dispatchEvent(new Event(REPLACED));
}
