import { applyCalibration, CalibrationStore, topLabel } from '@tidings/feedback';
import type { Logger, RedisConnection } from '@tidings/runtime';
import { type Calibration, type ClassifierVersion, classifierVersion, type KeySpaceSource } from '@tidings/shared';
import { registerClassifierVersion } from './classifier-lineage.js';

/** A result's label and scores under the calibration in force, and what to record beside them. */
export interface CalibratedScores {
  label: string;
  score: number;
  scores: Record<string, number>;
  /** The model's own scores; absent when no calibration is in force (then `scores` are they). */
  rawScores?: Record<string, number>;
  calibration: string | null;
  version: string;
}

/**
 * The calibration in force, read once per job (one GET of its id; the calibration itself only
 * when the id changes), so `tidings calibrate` takes effect on the next article without a
 * restart. Each calibration is its own classifier version, registered when first used.
 */
export class CalibrationInForce {
  private readonly store: CalibrationStore;
  private cached: { id: string | null; calibration: Calibration | null; version: ClassifierVersion };

  constructor(
    private readonly redis: RedisConnection,
    private readonly space: KeySpaceSource,
    base: ClassifierVersion,
    private readonly multiLabel: boolean,
    private readonly logger: Logger,
  ) {
    this.store = new CalibrationStore(redis, space);
    this.cached = { id: null, calibration: null, version: base };
  }

  /** The version the classifier runs now; the uncalibrated one until a job reads a calibration. */
  get version(): ClassifierVersion {
    return this.cached.version;
  }

  private async refresh(): Promise<void> {
    const id = await this.store.currentId();
    if (id === this.cached.id) return;
    // A calibration id in force whose record cannot be read is treated as none: the model's own scores.
    const calibration = id === null ? null : await this.store.byId(id);
    const { id: _, ...definition } = this.cached.version;
    const version = classifierVersion({ ...definition, calibration: calibration?.id ?? null });
    await registerClassifierVersion(this.redis, this.space, version);
    this.cached = { id, calibration, version };
    this.logger.info(
      { calibration: calibration?.id ?? null, votes: calibration?.votes, version: version.id },
      calibration ? 'classifying under a calibration' : "classifying with the model's own scores",
    );
  }

  /** Reads the calibration in force, then applies it to one article's raw label scores. */
  async apply(raw: Record<string, number>): Promise<CalibratedScores> {
    await this.refresh();
    const { calibration, version } = this.cached;
    if (!calibration) {
      const top = topLabel(raw);
      return { ...top, scores: raw, calibration: null, version: version.id };
    }
    const scores = applyCalibration(raw, calibration, this.multiLabel);
    return { ...topLabel(scores), scores, rawScores: raw, calibration: calibration.id, version: version.id };
  }
}
