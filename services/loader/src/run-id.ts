import { randomBytes } from 'node:crypto';
import { safeJobId } from '@tidings/shared';

const SCHEDULED_JOB_ID = /^repeat:.+:(\d+)$/;

/**
 * The run id is derived from the loader job's id, so a retried loader job (same id) can never
 * start a second run: a scheduled run is named after its scheduled time, a manual run after
 * the id `enqueueRun` chose.
 */
export function runIdForJob(jobId: string): string {
  const scheduled = SCHEDULED_JOB_ID.exec(jobId);
  if (scheduled) return `daily-${compactIso(new Date(Number(scheduled[1])))}`;
  return safeJobId(jobId);
}

export function newManualRunId(now = new Date()): string {
  return `manual-${compactIso(now)}-${randomBytes(3).toString('hex')}`;
}

function compactIso(date: Date): string {
  return date
    .toISOString()
    .replace(/[:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}
