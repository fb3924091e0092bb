import { type Calibration, CalibrationSchema, type KeySpaceSource } from '@tidings/shared';
import type { Cluster, Redis } from 'ioredis';
import { calibrationKeys } from './keys.js';

/**
 * Calibrations in Redis: every fit by id (adopted or refused, with its cross-validation
 * report), the id in force, and the latest fit. Adopting writes the fit and moves the id in
 * force in one transaction; `reset` returns to the model's own scores and keeps the history.
 */
export class CalibrationStore {
  private readonly keys;

  constructor(
    private readonly redis: Redis | Cluster,
    space: KeySpaceSource,
  ) {
    this.keys = calibrationKeys(space);
  }

  /** Keeps a fit made from the feedback at `revision`; makes it the one in force when `adopt`. */
  async save(calibration: Calibration, adopt: boolean, revision: number): Promise<void> {
    const checked = CalibrationSchema.parse(calibration);
    const tx = this.redis
      .multi()
      .hset(this.keys.all, checked.id, JSON.stringify(checked))
      .set(this.keys.latest, checked.id)
      .set(this.keys.fittedRevision, revision);
    if (adopt) tx.set(this.keys.current, checked.id);
    await tx.exec();
  }

  /** The id of the calibration in force, null for none: one GET, cheap enough for every job. */
  async currentId(): Promise<string | null> {
    return this.redis.get(this.keys.current);
  }

  async byId(id: string): Promise<Calibration | null> {
    const raw = await this.redis.hget(this.keys.all, id);
    if (raw === null) return null;
    const parsed = CalibrationSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  }

  /** The calibration in force, or null: the model's own scores. */
  async current(): Promise<Calibration | null> {
    const id = await this.currentId();
    return id === null ? null : this.byId(id);
  }

  /** The most recent fit, adopted or not: what `tidings calibrate` and the page report. */
  async latest(): Promise<Calibration | null> {
    const id = await this.redis.get(this.keys.latest);
    return id === null ? null : this.byId(id);
  }

  /** The feedback revision the latest fit read; -1 before any fit. */
  async fittedRevision(): Promise<number> {
    return Number((await this.redis.get(this.keys.fittedRevision)) ?? -1);
  }

  /** Back to the model's own scores; every fit stays in the history. */
  async reset(): Promise<void> {
    await this.redis.del(this.keys.current);
  }
}
