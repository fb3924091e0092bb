import { createHmac, timingSafeEqual } from 'node:crypto';
import type { RunRequestJob } from './schemas.js';

/** The fields a signature covers, as a job is written (reclassify may be left to its default). */
type SignedFields = Pick<RunRequestJob, 'trigger' | 'feeds'> & { reclassify?: boolean };

/**
 * What a signature covers: the job id (so a signature copied into another job is worthless)
 * and everything in the job that decides what is read.
 */
function signedText(jobId: string, job: SignedFields): string {
  return JSON.stringify([jobId, job.trigger, job.reclassify ?? false, job.feeds ?? []]);
}

/** HMAC-SHA256 of a run-request job under the host's signing key (DATA_DIR/job-signing.key). */
export function signRunRequestJob(key: Buffer, jobId: string, job: SignedFields): string {
  return createHmac('sha256', key).update(signedText(jobId, job)).digest('hex');
}

export function verifyRunRequestJob(key: Buffer, jobId: string, job: RunRequestJob): boolean {
  if (!job.signature) return false;
  const expected = Buffer.from(signRunRequestJob(key, jobId, job), 'hex');
  const given = Buffer.from(job.signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * The loader's grant on one `read-feed` job of a run whose `feeds` job it verified: lets
 * that job, and no other, read a file or private address the signed request named.
 */
export function grantFeedRead(key: Buffer, jobId: string, feed: string): string {
  return createHmac('sha256', key)
    .update(JSON.stringify(['read-feed', jobId, feed]))
    .digest('hex');
}

export function verifyFeedRead(key: Buffer, jobId: string, feed: string, grant: string | undefined): boolean {
  if (!grant) return false;
  const expected = Buffer.from(grantFeedRead(key, jobId, feed), 'hex');
  const given = Buffer.from(grant, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
