/** One JSON object per line on stderr: greppable locally, parseable by any log shipper. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  (level: LogLevel, msg: string, fields?: Record<string, unknown>): void;
}

export function createLogger(minLevel: LogLevel = (process.env.PAIRWISE_LOG_LEVEL as LogLevel) || 'info'): Logger {
  const order: LogLevel[] = ['debug', 'info', 'warn', 'error'];
  const min = order.indexOf(minLevel);
  return (level, msg, fields) => {
    if (order.indexOf(level) < min) return;
    process.stderr.write(JSON.stringify({t: new Date().toISOString(), level, msg, ...fields}) + '\n');
  };
}
