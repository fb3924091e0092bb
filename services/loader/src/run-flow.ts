import { classifyJobId, DEFAULT_JOB_OPTIONS, JOB, QUEUE, type RunManifest } from '@tidings/shared';
import type { FlowJob } from 'bullmq';

/**
 * The flow of one run: an "aggregate-run" parent (job id = run id, data = the manifest) with
 * one "classify" child per article. A failing child never blocks its run: it moves to the
 * parent's ignored failures, which the aggregator reports.
 */
export function runFlow(manifest: RunManifest): FlowJob {
  return {
    name: JOB.aggregateRun,
    queueName: QUEUE.aggregate,
    data: manifest,
    opts: { ...DEFAULT_JOB_OPTIONS.aggregate, jobId: manifest.runId },
    children: manifest.articles.map((article) => ({
      name: JOB.classify,
      queueName: QUEUE.classify,
      data: { runId: manifest.runId, article },
      opts: {
        ...DEFAULT_JOB_OPTIONS.classify,
        jobId: classifyJobId(manifest.runId, article.id),
        ignoreDependencyOnFailure: true,
      },
    })),
  };
}
