import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { KeySpaceSource, WorkerHeartbeat } from '@tidings/shared';
import { putRecord, type RecordIndex, removeRecord } from './indexed-records.js';
import { heartbeatRecords } from './live-workers.js';
import type { RedisConnection } from './redis.js';

export interface HeartbeatOptions {
  intervalMs?: number;
  /** A worker that misses beats for this long is no longer counted as live. */
  ttlMs?: number;
}

/** A record per live classifier process, refreshed while it runs; the dashboard counts them. */
export class Heartbeat {
  readonly id = `${os.hostname()}-${process.pid}-${randomBytes(2).toString('hex')}`;
  private jobsDone = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly startedAt = new Date().toISOString();
  private readonly records: RecordIndex;

  constructor(
    private readonly redis: RedisConnection,
    space: KeySpaceSource,
    private readonly model: { name: string; dtype: string; loadMs?: number; version?: string },
    private readonly options: HeartbeatOptions = {},
  ) {
    this.records = heartbeatRecords(space);
  }

  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat().catch(() => {}), this.options.intervalMs ?? 10_000);
    this.timer.unref();
  }

  jobDone(): void {
    this.jobsDone++;
  }

  /** The classifier version it runs now: a calibration adopted while it runs makes a new one. */
  setVersion(version: string): void {
    this.model.version = version;
  }

  private async beat(): Promise<void> {
    const beat: WorkerHeartbeat = {
      id: this.id,
      pid: process.pid,
      host: os.hostname(),
      model: this.model.name,
      dtype: this.model.dtype,
      ...(this.model.loadMs === undefined ? {} : { loadMs: this.model.loadMs }),
      ...(this.model.version === undefined ? {} : { version: this.model.version }),
      jobsDone: this.jobsDone,
      startedAt: this.startedAt,
      beatAt: new Date().toISOString(),
    };
    await putRecord(this.redis, this.records, this.id, beat, this.options.ttlMs ?? 30_000);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await removeRecord(this.redis, this.records, this.id);
  }
}
