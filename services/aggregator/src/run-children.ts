import { articleIdOfChild, childOfKey, QUEUE } from '@tidings/shared';
import { WRITE_PAGE } from '@tidings/topic-store';
import type { Job } from 'bullmq';

/**
 * A finished run's classify results, a page of WRITE_PAGE at a time, as [article id, the
 * child's returned value]. HSCAN may return a child twice: ids in `accounted` are left out.
 */
export async function* classifyResultPages(
  job: Job,
  runId: string,
  accounted: ReadonlySet<string>,
): AsyncGenerator<(readonly [string, unknown])[]> {
  let cursor = 0;
  do {
    const page = await job.getDependencies({ processed: { cursor, count: WRITE_PAGE } });
    cursor = page.nextProcessedCursor ?? 0;
    yield Object.entries(page.processed ?? {})
      .filter(([key]) => childOfKey(key).queue === QUEUE.classify)
      .map(([key, value]) => [articleIdOfChild(key, runId), value] as const)
      .filter(([id]) => !accounted.has(id));
  } while (cursor !== 0);
}

/** A finished run's children that failed every attempt, a page at a time, as [child key, reason]. */
export async function* ignoredChildPages(job: Job): AsyncGenerator<[string, string][]> {
  let cursor = 0;
  do {
    const page = await job.getDependencies({ ignored: { cursor, count: WRITE_PAGE } });
    cursor = page.nextIgnoredCursor ?? 0;
    yield Object.entries(page.ignored ?? {}).map(([key, reason]) => [key, String(reason)]);
  } while (cursor !== 0);
}
