// A moment as people read it: "3 min ago", with the exact time on hover.
import { formatAge } from '@/components/runs/format';

export function When({ at, now }: { at: Date; now: Date }) {
  return (
    <time dateTime={at.toISOString()} title={at.toLocaleString()}>
      {formatAge(at, now)}
    </time>
  );
}
