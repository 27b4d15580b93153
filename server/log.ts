// Structured logs (pino). Every process names itself (`proc`), so `npm start`
// can prefix each line with the process it came from.
import pino, { type Logger } from 'pino';

export type { Logger };

export interface LoggerOptions {
  proc: string;
  level?: string;
}

/** A JSON-lines logger on stdout, tagged with the process name. */
export function createLogger({ proc, level = 'info' }: LoggerOptions): Logger {
  return pino({ level, base: { proc }, timestamp: pino.stdTimeFunctions.isoTime });
}
