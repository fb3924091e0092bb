import { groupedKey, type KeySpaceSource } from '@tidings/shared';

/**
 * The feedback store's keys; only this package reads or writes them. One group on a
 * cluster: a vote replaces an earlier one and keeps the bounds and counts in one script.
 */
export function feedbackKeys(space: KeySpaceSource) {
  const key = (name: string) => groupedKey(space, 'feedback', name);
  return {
    examples: key('feedback:examples'),
    meta: key('feedback:meta'),
    order: key('feedback:order'),
    byReader: key('feedback:by-reader'),
    stats: key('feedback:stats'),
    revision: key('feedback:revision'),
  };
}

/** The calibrations' keys: every fit by id, and the id in force, changed together in one transaction. */
export function calibrationKeys(space: KeySpaceSource) {
  const key = (name: string) => groupedKey(space, 'calibration', name);
  return {
    all: key('calibrations'),
    current: key('calibration:current'),
    latest: key('calibration:latest'),
    /** The feedback revision the latest fit read: a scheduled fit skips when no vote came since. */
    fittedRevision: key('calibration:fitted-revision'),
  };
}
