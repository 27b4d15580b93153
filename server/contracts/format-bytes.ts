// Sizes as people read them ("409 B", "1.5 KiB", "256 KiB", "1.2 GiB"), the
// same in the runner's log lines, the CLI and the dashboard.
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${+value.toFixed(1)} ${units[unit]}`;
}
