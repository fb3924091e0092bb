import { type CalibrateOptions, type CalibrationOutcome, calibrate } from './calibrate.js';
import type { CalibrationStore } from './calibration-store.js';
import type { FeedbackStore } from './feedback-store.js';

export interface RunCalibrationDeps {
  feedback: FeedbackStore;
  calibrations: CalibrationStore;
  options: CalibrateOptions;
  /** A stored example that no longer reads is skipped; the caller logs it. */
  onBadRecord?: (id: string, reason: string) => void;
}

/**
 * Fits a calibration from every stored verdict, keeps it with its report, and puts it in
 * force only when cross-validation adopted it (a refused fit leaves the one in force as it
 * is). `onlyIfNewVotes` (the schedule) skips the fit when no vote came since the last one.
 */
export async function runCalibration(
  deps: RunCalibrationDeps,
  onlyIfNewVotes = false,
): Promise<(CalibrationOutcome & { examples: number }) | null> {
  const revision = await deps.feedback.revision();
  if (onlyIfNewVotes && revision === (await deps.calibrations.fittedRevision())) return null;
  const examples = await deps.feedback.list(deps.onBadRecord);
  const outcome = calibrate(examples, deps.options);
  await deps.calibrations.save(outcome.calibration, outcome.adopt, revision);
  return { ...outcome, examples: examples.length };
}
