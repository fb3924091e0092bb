import { TopicStore } from '@tidings/aggregator';
import { enqueueRun, readFeed } from '@tidings/loader';
import { type Config, createRedis, describeConfig, loadConfig, QUEUE, redactUrl, TidingsError } from '@tidings/shared';
import { Queue } from 'bullmq';
import { waitForRun } from './wait-for-run.js';

export class UsageError extends Error {
  readonly code = 'TIDINGS_USAGE';
}

export async function configCommand(): Promise<void> {
  process.stdout.write(`${JSON.stringify(describeConfig(), null, 2)}\n`);
}

export async function parseCommand(feed: string | undefined): Promise<number> {
  if (!feed) throw new UsageError('parse needs a feed file or URL: tidings parse <file-or-url>');
  const config = loadConfig();
  const { report, articles } = await readFeed(feed, {
    timeoutMs: config.feeds.timeoutMs,
    maxBytes: config.feeds.maxBytes,
    retries: config.feeds.retries,
    summaryMaxChars: config.feeds.summaryMaxChars,
  });
  if (report.error) {
    process.stderr.write(`tidings parse: ${report.error.code}: ${report.error.message}\n`);
    return 1;
  }
  for (const article of articles) process.stdout.write(`${JSON.stringify(article)}\n`);
  const dropped = Object.entries(report.dropped)
    .filter(([, n]) => n > 0)
    .map(([why, n]) => `${n} ${why}`)
    .join(', ');
  process.stderr.write(`${report.fetched} items: kept ${report.kept}; dropped ${dropped || 'none'}\n`);
  return 0;
}

export async function classifyCommand(
  text: string | undefined,
  flags: { modelDir?: string; labels?: string; dtype?: string },
): Promise<void> {
  if (!text) throw new UsageError('classify needs a text: tidings classify [--model-dir DIR] [--labels "A,B"] "text"');
  const config = loadConfig({
    ...process.env,
    ...(flags.modelDir ? { MODEL_DIR: flags.modelDir } : {}),
    ...(flags.labels ? { LABELS: flags.labels } : {}),
    ...(flags.dtype ? { MODEL_DTYPE: flags.dtype } : {}),
  });
  // Loaded on demand: the model runtime takes a second or two to import, which no other command needs.
  const { classifyText, loadNliModel, modelSource } = await import('@tidings/classifier');
  const model = await loadNliModel(modelSource(config.classifier), { threads: config.classifier.threads });
  const result = await classifyText(model, text, {
    labels: config.classifier.labels,
    hypothesisTemplate: config.classifier.hypothesisTemplate,
    multiLabel: config.classifier.multiLabel,
  });
  process.stdout.write(`${JSON.stringify({ ...result, model: model.source.name, dtype: model.source.dtype })}\n`);
  await model.dispose();
}

export async function modelsFetchCommand(): Promise<void> {
  const config = loadConfig();
  const { downloadModel } = await import('@tidings/classifier');
  const dir = await downloadModel(config.classifier.modelId, config.classifier.cacheDir, config.classifier.dtype);
  process.stdout.write(`downloaded ${config.classifier.modelId} to ${dir}; use it offline with MODEL_DIR=${dir}\n`);
}

export interface RunFlags {
  feeds: string[];
  reclassify: boolean;
  wait: boolean;
  timeoutS: number;
}

export async function withQueues<T>(
  config: Config,
  fn: (q: { feeds: Queue; aggregate: Queue; store: TopicStore }) => Promise<T>,
) {
  const connection = createRedis(config.redis.url, { maxRetriesPerRequest: 3, retryStrategy: () => null });
  // The command's own failure says what went wrong in one line; these events would repeat it as stack dumps.
  let connectionError: Error | undefined;
  connection.on('error', (err: Error) => {
    connectionError = err;
  });
  try {
    await connection.ping();
  } catch (err) {
    connection.disconnect();
    throw new TidingsError(
      'TIDINGS_REDIS_UNREACHABLE',
      `cannot reach Redis at ${redactUrl(config.redis.url)} (${(connectionError ?? (err as Error)).message}); start tidings with 'pnpm tidings start', or set REDIS_URL`,
    );
  }
  const feeds = new Queue(QUEUE.feeds, { connection, prefix: config.prefix });
  const aggregate = new Queue(QUEUE.aggregate, { connection, prefix: config.prefix });
  for (const queue of [feeds, aggregate]) queue.on('error', () => {});
  try {
    return await fn({ feeds, aggregate, store: new TopicStore(connection, config.prefix, config.classifier.labels) });
  } finally {
    await feeds.close();
    await aggregate.close();
    connection.disconnect();
  }
}

export async function runCommand(flags: RunFlags): Promise<void> {
  const config = loadConfig();
  await withQueues(config, async ({ feeds, aggregate, store }) => {
    const runId = await enqueueRun(feeds, { feeds: flags.feeds, reclassify: flags.reclassify });
    if (!flags.wait) {
      process.stdout.write(`${runId}\n`);
      return;
    }
    process.stderr.write(`run ${runId} enqueued\n`);
    const run = await waitForRun(runId, { store, aggregateQueue: aggregate, timeoutMs: flags.timeoutS * 1000 });
    const { topics, ...summary } = run;
    process.stdout.write(`${JSON.stringify({ run: summary, topics }, null, 2)}\n`);
  });
}
