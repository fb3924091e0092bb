/**
 * When things happened to one run, read from the services' pino lines: the harness sees the
 * stack only from outside (logs, Redis, HTTP), never through its job layout.
 */

export interface LogEvent {
  time: number;
  msg: string;
  runId: string | undefined;
  /** A failed job's id: for the aggregate queue it is the run id. */
  jobId: string | undefined;
  err: string | undefined;
  /** Attempts a failed job had made. */
  attempts: number | undefined;
  level: number;
}

/** A pino JSON line, or undefined for anything else (a stack trace, a partial line). */
export function parseLogLine(line: string): LogEvent | undefined {
  if (!line.startsWith('{')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  const v = value as {
    time?: unknown;
    msg?: unknown;
    runId?: unknown;
    jobId?: unknown;
    err?: unknown;
    attempts?: unknown;
    level?: unknown;
  };
  const text = (x: unknown) => (typeof x === 'string' ? x : undefined);
  const time = typeof v.time === 'number' ? v.time : typeof v.time === 'string' ? Date.parse(v.time) : Number.NaN;
  if (!Number.isFinite(time) || typeof v.msg !== 'string') return undefined;
  return {
    time,
    msg: v.msg,
    runId: text(v.runId),
    jobId: text(v.jobId),
    err: text(v.err),
    attempts: typeof v.attempts === 'number' ? v.attempts : undefined,
    level: typeof v.level === 'number' ? v.level : 30,
  };
}

/** Whole lines out of a stream's chunks; a line cut between two chunks waits for its end. */
export class LineSplitter {
  private rest = '';

  push(chunk: string): string[] {
    const text = this.rest + chunk;
    const lines = text.split('\n');
    this.rest = lines.pop() ?? '';
    return lines;
  }
}

export interface RunMoments {
  /** The loader's last "feed read" or "feed failed" line: every feed's articles are enqueued. */
  enqueuedAt?: number;
  firstClassifiedAt?: number;
  lastClassifiedAt?: number;
  classifiedLines: number;
  /** The aggregator's "run finished": the run is written. */
  finishedAt?: number;
  /** When the aggregator failed this run's job for good (no attempt left, or stalled too often), and why. */
  aggregateFailedAt?: number;
  aggregateError?: string;
}

export interface TimelineOptions {
  /** Attempts an aggregate job gets (the aggregate queue's job options). */
  aggregateAttempts: number;
}

/** The moments of each run, kept as numbers only: a 50 000-article run's lines are not held. */
export class RunTimeline {
  private readonly runs = new Map<string, RunMoments>();
  errors = 0;

  constructor(private readonly options: TimelineOptions) {}

  private of(runId: string): RunMoments {
    let m = this.runs.get(runId);
    if (!m) {
      m = { classifiedLines: 0 };
      this.runs.set(runId, m);
    }
    return m;
  }

  record(service: string, event: LogEvent): void {
    if (event.level >= 50) this.errors++;
    if (service === 'aggregator' && event.msg === 'aggregate job failed' && this.isFinal(event)) {
      const failed = this.of(event.runId ?? event.jobId ?? '');
      failed.aggregateFailedAt = event.time;
      failed.aggregateError = event.err;
    }
    if (!event.runId) return;
    const m = this.of(event.runId);
    if (service === 'loader' && (event.msg === 'feed read' || event.msg === 'feed failed'))
      m.enqueuedAt = Math.max(m.enqueuedAt ?? 0, event.time);
    if (service === 'classifier' && event.msg === 'classified') {
      m.classifiedLines++;
      m.firstClassifiedAt = Math.min(m.firstClassifiedAt ?? event.time, event.time);
      m.lastClassifiedAt = Math.max(m.lastClassifiedAt ?? 0, event.time);
    }
    if (service === 'aggregator' && event.msg === 'run finished') m.finishedAt = event.time;
  }

  /** A retried failure is not the end: only one with no attempt left, or BullMQ's stall limit, is. */
  private isFinal(event: LogEvent): boolean {
    if (!(event.runId ?? event.jobId)) return false;
    if (event.err?.includes('stalled more than allowable limit')) return true;
    return (event.attempts ?? 0) >= this.options.aggregateAttempts;
  }

  moments(runId: string): RunMoments {
    return { ...this.of(runId) };
  }
}

/**
 * flowMs: from the loader starting the run to its flow fully enqueued. finaliseMs: from the
 * last article classified to the run written. Undefined where a moment was never logged.
 */
export function runDurations(startedAt: number, m: RunMoments): { flowMs?: number; finaliseMs?: number } {
  return {
    flowMs: m.enqueuedAt !== undefined ? Math.max(0, m.enqueuedAt - startedAt) : undefined,
    finaliseMs:
      m.finishedAt !== undefined && m.lastClassifiedAt !== undefined
        ? Math.max(0, m.finishedAt - m.lastClassifiedAt)
        : undefined,
  };
}
