const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'name', 'service', 'msg']);

/**
 * One child's log line for the supervisor's output. On a terminal, pino JSON becomes
 * "time [name] level message key=value"; elsewhere the JSON passes through, prefixed by the
 * child's name only when it is not JSON, so log collectors still get one JSON object a line.
 */
export function formatLogLine(line: string, name: string, pretty: boolean): string {
  let record: Record<string, unknown> | undefined;
  try {
    const parsed = JSON.parse(line);
    if (parsed && typeof parsed === 'object') record = parsed;
  } catch {}
  if (!record) return `[${name}] ${line}`;
  if (!pretty) return line;
  const time = typeof record.time === 'string' ? record.time.slice(11, 19) : '';
  const level = LEVELS[Number(record.level)] ?? String(record.level ?? '');
  const extras = Object.entries(record)
    .filter(([k]) => !HIDDEN.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${time} [${name}] ${level.padEnd(5)} ${String(record.msg ?? '')}${extras ? `  ${extras}` : ''}`;
}
