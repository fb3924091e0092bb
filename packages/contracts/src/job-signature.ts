import { createHmac, timingSafeEqual } from 'node:crypto';
import type { LoadJob } from './schemas.js';

/** The fields a signature covers, as a job is written (reclassify may be left to its default). */
type SignedFields = Pick<LoadJob, 'trigger' | 'feeds'> & { reclassify?: boolean };

/**
 * What a signature covers: the job id (so a signature copied into another job is worthless)
 * and everything in the job that decides what is read.
 */
function signedText(jobId: string, job: SignedFields): string {
  return JSON.stringify([jobId, job.trigger, job.reclassify ?? false, job.feeds ?? []]);
}

/** HMAC-SHA256 of a `feeds` job under the host's signing key (DATA_DIR/job-signing.key). */
export function signLoadJob(key: Buffer, jobId: string, job: SignedFields): string {
  return createHmac('sha256', key).update(signedText(jobId, job)).digest('hex');
}

export function verifyLoadJob(key: Buffer, jobId: string, job: LoadJob): boolean {
  if (!job.signature) return false;
  const expected = Buffer.from(signLoadJob(key, jobId, job), 'hex');
  const given = Buffer.from(job.signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
