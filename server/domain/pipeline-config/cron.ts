// Validation of five-field cron expressions (minute hour day-of-month month
// day-of-week), the dialect of cron-parser that runs the schedules: numbers,
// `*`, ranges `a-b`, steps `*/n` and `a-b/n`, lists `a,b`, and the names JAN-DEC
// and SUN-SAT. Day-of-week 7 is Sunday, like 0.

type Field = { name: string; min: number; max: number; names?: readonly string[] };

const FIELDS: readonly Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  },
  { name: 'day of week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

export type CronProblem = {
  message: string;
  /** Index in the expression of the offending part. */
  index: number;
};

/** undefined when `expr` is a valid five-field cron expression. */
export function checkCron(expr: string): CronProblem | undefined {
  const parts = [...expr.matchAll(/\S+/g)];
  if (parts.length !== 5) {
    return {
      message: `a schedule has 5 fields (minute hour day-of-month month day-of-week), '${expr}' has ${parts.length}`,
      index: parts[0]?.index ?? 0,
    };
  }
  for (let i = 0; i < 5; i++) {
    const part = parts[i]!;
    const problem = checkField(part[0], FIELDS[i]!);
    if (problem) return { message: problem, index: part.index };
  }
  return undefined;
}

function checkField(text: string, field: Field): string | undefined {
  for (const item of text.split(',')) {
    const problem = checkItem(item, field);
    if (problem) return `${field.name} '${text}': ${problem}`;
  }
  return undefined;
}

function checkItem(item: string, field: Field): string | undefined {
  const [range, step, ...extra] = item.split('/');
  if (extra.length > 0 || range === undefined || range === '') return `'${item}' is not a value, a range or a step`;
  if (step !== undefined && !/^[1-9]\d*$/.test(step)) return `the step in '${item}' must be a positive whole number`;
  if (range === '*') return undefined;
  const [from, to, ...more] = range.split('-');
  if (more.length > 0) return `'${range}' is not a range`;
  const a = value(from ?? '', field);
  if (a === undefined) return outOfRange(from ?? '', field);
  if (to === undefined) return undefined;
  const b = value(to, field);
  if (b === undefined) return outOfRange(to, field);
  if (b < a) return `the range '${range}' goes backwards`;
  return undefined;
}

function value(text: string, field: Field): number | undefined {
  const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return named + (field.name === 'month' ? 1 : 0);
  if (!/^\d{1,2}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= field.min && n <= field.max ? n : undefined;
}

function outOfRange(text: string, field: Field): string {
  const names = field.names ? ` or ${field.names[0]}-${field.names[field.names.length - 1]}` : '';
  return `'${text}' is not between ${field.min} and ${field.max}${names}`;
}
