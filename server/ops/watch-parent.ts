// A child of `npm start` exits when its parent is gone (killed without a
// chance to stop its children), so no process is left behind.
export function watchParent(onGone: () => void, intervalMs = 2_000): void {
  const parent = Number(process.env.SWITCHYARD_PARENT_PID);
  if (!parent) return;
  const timer = setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      clearInterval(timer);
      onGone();
    }
  }, intervalMs);
  timer.unref();
}
