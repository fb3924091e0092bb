import { startAggregator } from '@tidings/aggregator';
import { prepareModel, startClassifier } from '@tidings/classifier';
import { startLoader } from '@tidings/loader';
import { createLogger } from '@tidings/runtime';
import { CNBC_FIXTURE, testConfig, waitFor } from '@tidings/testing';
import { afterAll, describe, expect, it } from 'vitest';

const PERIOD_S = 10;

/**
 * A schedule as it really runs, over two periods (every 10 s here, so the test takes
 * seconds, not minutes): each scheduled run's duration is its work's, not the period
 * between its job's creation and its start.
 */
describe('scheduled runs', () => {
  const logger = createLogger('test', { level: 'silent' });
  const config = testConfig({ FEED_URLS: CNBC_FIXTURE, DIGEST_CRON: `*/${PERIOD_S} * * * * *` });
  const services: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const s of services.reverse()) await s.close();
  });

  it('report when their work started, over two periods', async () => {
    const model = await prepareModel(config, logger);
    services.push(await startClassifier({ config, logger, model }));
    const aggregator = await startAggregator({ config, logger });
    services.push(aggregator);
    services.push(await startLoader({ config, logger }));
    const runs = await waitFor(
      async () => {
        const { runs } = await aggregator.store.runs({ limit: 10 });
        const scheduled = runs.filter((r) => r.trigger === 'schedule');
        return scheduled.length >= 2 ? scheduled : undefined;
      },
      { timeoutMs: 4 * PERIOD_S * 1000, what: 'two scheduled runs' },
    );
    for (const run of runs) {
      expect(run.id).toMatch(/^daily-/);
      // The work takes well under a second; the bug reported the whole period (10 s).
      expect(run.durationMs, run.id).toBeLessThan((PERIOD_S * 1000) / 2);
    }
  });
});
