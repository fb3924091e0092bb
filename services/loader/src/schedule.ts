import { DAILY_SCHEDULER_ID, DEFAULT_JOB_OPTIONS, JOB, QUEUE, type RunRequestJob } from '@tidings/shared';
import type { Queue } from 'bullmq';

/**
 * Creates or updates the one "daily-digest" job scheduler. Upserting by id is what makes
 * several loaders, or a restart with a new DIGEST_CRON, leave exactly one schedule.
 */
export async function ensureDailySchedule(feedsQueue: Queue, schedule: { cron: string; tz: string }): Promise<void> {
  const data: RunRequestJob = { trigger: 'schedule', reclassify: false };
  await feedsQueue.upsertJobScheduler(
    DAILY_SCHEDULER_ID,
    { pattern: schedule.cron, tz: schedule.tz },
    { name: JOB.startRun, data, opts: DEFAULT_JOB_OPTIONS[QUEUE.runRequests] },
  );
}
