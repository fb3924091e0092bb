import { describe, expect, it } from 'vitest';
import { LineSplitter, parseLogLine, RunTimeline, runDurations } from '../../src/scale/log-timeline.js';

const line = (o: Record<string, unknown>) => JSON.stringify({ level: 30, ...o });

describe('reading a run’s moments from pino lines', () => {
  it('reads ISO and epoch times and skips what is not a log line', () => {
    expect(parseLogLine(line({ time: '2026-11-26T10:00:00.250Z', msg: 'x', runId: 'r1' }))).toEqual({
      time: Date.parse('2026-11-26T10:00:00.250Z'),
      msg: 'x',
      runId: 'r1',
      jobId: undefined,
      err: undefined,
      attempts: undefined,
      level: 30,
    });
    expect(parseLogLine(line({ time: 5, msg: 'y' }))?.time).toBe(5);
    expect(parseLogLine('    at Worker.run (worker.js:1:1)')).toBeUndefined();
    expect(parseLogLine('{"time": "not a date", "msg": "z"}')).toBeUndefined();
    expect(parseLogLine('{"msg": "cut in ha')).toBeUndefined();
  });

  it('keeps a line cut between two chunks whole', () => {
    const split = new LineSplitter();
    expect(split.push('{"a":1}\n{"b"')).toEqual(['{"a":1}']);
    expect(split.push(':2}\n')).toEqual(['{"b":2}']);
  });

  it('times the flow from the run’s start to its last feed read, and finalising from the last article', () => {
    const t = new RunTimeline({ aggregateAttempts: 5 });
    const at = (ms: number) => new Date(Date.UTC(2026, 10, 26, 10, 0, 0, ms)).toISOString();
    const events: [string, Record<string, unknown>][] = [
      ['loader', { time: at(400), msg: 'feed read', runId: 'r1' }],
      ['loader', { time: at(900), msg: 'feed failed', runId: 'r1' }],
      ['loader', { time: at(600), msg: 'feed read', runId: 'r1' }],
      ['loader', { time: at(700), msg: 'run started: one read-feed job per feed', runId: 'r1' }],
      ['classifier', { time: at(950), msg: 'classified', runId: 'r1' }],
      ['classifier', { time: at(1500), msg: 'classified', runId: 'r1' }],
      ['classifier', { time: at(1200), msg: 'classified', runId: 'r1' }],
      ['classifier', { time: at(9000), msg: 'classified', runId: 'other' }],
      ['aggregator', { time: at(1800), msg: 'run finished', runId: 'r1' }],
      ['aggregator', { time: at(1900), msg: 'failed', level: 50 }],
    ];
    for (const [service, e] of events) {
      const parsed = parseLogLine(line(e));
      if (parsed) t.record(service, parsed);
    }
    const m = t.moments('r1');
    expect(m.classifiedLines).toBe(3);
    expect(m.firstClassifiedAt).toBe(Date.parse(at(950)));
    expect(t.errors).toBe(1);
    expect(runDurations(Date.parse(at(100)), m)).toEqual({ flowMs: 800, finaliseMs: 300 });
    expect(runDurations(0, t.moments('never-logged'))).toEqual({ flowMs: undefined, finaliseMs: undefined });
  });

  it('notices the aggregator failing a run’s job for good, not a failure it will retry', () => {
    const t = new RunTimeline({ aggregateAttempts: 5 });
    const failed = (jobId: string, attempts: number, err: string) => {
      const e = parseLogLine(line({ time: attempts, level: 40, msg: 'aggregate job failed', jobId, attempts, err }));
      if (e) t.record('aggregator', e);
    };
    failed('r1', 1, 'Redis went away');
    expect(t.moments('r1').aggregateFailedAt).toBeUndefined();
    failed('r1', 5, 'Redis went away');
    expect(t.moments('r1')).toMatchObject({ aggregateFailedAt: 5, aggregateError: 'Redis went away' });
    failed('r2', 2, 'job stalled more than allowable limit');
    expect(t.moments('r2')).toMatchObject({
      aggregateFailedAt: 2,
      aggregateError: 'job stalled more than allowable limit',
    });
  });
});
