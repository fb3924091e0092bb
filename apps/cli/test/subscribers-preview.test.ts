import { type Classifier, startClassifier } from '@tidings/classifier';
import { createLogger } from '@tidings/runtime';
import { QUEUE, redisKeys } from '@tidings/shared';
import {
  buildPreviewFixtureRun,
  buildRun,
  buildTopicArticle,
  PREVIEW_FIXTURE_NEWEST,
  runTidings,
  testConfig,
  testRedis,
  testRedisUrl,
} from '@tidings/testing';
import { TopicStoreWriter } from '@tidings/topic-store';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const logger = createLogger('test', { level: 'silent' });

describe('tidings subscribers add --own … --preview, against a running classifier', () => {
  const config = testConfig({ PREVIEW_MAX_ARTICLES: '5' });
  const env = { REDIS_URL: testRedisUrl(), TIDINGS_PREFIX: config.prefix };
  const redis = testRedis();
  let classifier: Classifier;
  beforeAll(async () => {
    const store = new TopicStoreWriter(redis, config.prefix);
    await store.writeRun(buildPreviewFixtureRun());
    // A title that would steer a terminal: the preview prints it as plain text.
    const steering = buildTopicArticle({
      id: 'pv-escape',
      label: 'Crypto',
      title: 'Bitcoin tokens \u001b[2J\u001b[31mcleared\u001b[0m the screen',
      summary: 'Blockchain tokens.',
      published: new Date(Date.parse(PREVIEW_FIXTURE_NEWEST) - 30 * 60_000).toISOString(),
    });
    await store.writeRun(buildRun({ id: 'escape-run', articles: [steering], startedAt: PREVIEW_FIXTURE_NEWEST }));
    classifier = await startClassifier({ config, logger });
  });
  afterAll(async () => {
    await classifier.close();
    await redis.quit();
  });

  /** What a preview must leave as it was: no subscription, no registered topic, no backfill queued. */
  const nothingSaved = async () => {
    const keys = redisKeys(config.prefix);
    const backfill = new Queue(QUEUE.backfill, { connection: redis, prefix: config.prefix });
    try {
      expect(await redis.scard(`${config.prefix}:subscriptions`)).toBe(0);
      expect(await redis.hlen(keys.ownTopics)).toBe(0);
      expect(await backfill.count()).toBe(0);
    } finally {
      await backfill.close();
    }
  };

  it('prints each topic’s matches among the newest articles and the best of them, and saves nothing', async () => {
    const r = await runTidings(
      ['subscribers', 'add', '--name', 'Ann', '--own', 'blockchain  tokens', '--own', 'Fintech IPO', '--preview'],
      env,
    );
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(
      '“blockchain tokens” matches 4 of the 5 newest articles of the last 7 days (score at least 0.8)',
    );
    const matches = lines.slice(1, 5);
    expect(matches.some((l) => l.includes('Bitcoin slides below $80,000 as crypto ETF outflows mount'))).toBe(true);
    for (const l of matches) expect(l).toMatch(/^ {2}\d\.\d\d {2}2026-11-24 {2}\S.* {2}https:\/\/news\.example\/pv-/);
    expect(lines[5]).toBe('“Fintech IPO” matches 1 of the 5 newest articles of the last 7 days (score at least 0.8)');
    expect(lines[6]).toContain('Fintech lender prices IPO above range');
    expect(lines).toHaveLength(7);
    expect(r.stdout).not.toContain('\u001b');
    expect(r.stdout).toContain('Bitcoin tokens  [2J [31mcleared [0m the screen');
    expect(r.stderr).toContain('Previewed only: nothing was saved.');
    await nothingSaved();
  });

  it('refuses a topic a save would refuse, before asking a classifier, and --preview without --own', async () => {
    const markup = await runTidings(['subscribers', 'add', '--own', 'tokens', '--own', '<b>x</b>', '--preview'], env);
    expect(markup.code).toBe(1);
    expect(markup.stderr.trim().split('\n').at(-1)).toBe(
      'tidings cli: ownTopics[1]: contains < or >: markup is not a topic; write plain words without tags',
    );
    expect(markup.stdout).toBe('');
    const long = await runTidings(['subscribers', 'add', '--own', 'x'.repeat(81), '--preview'], env);
    expect(long.code).toBe(1);
    expect(long.stderr).toContain('ownTopics[0]: is 81 characters long; at most 80 (OWN_TOPIC_MAX_CHARS)');
    const none = await runTidings(['subscribers', 'add', '--topics', 'Crypto', '--preview'], env);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('subscribers add --preview needs --own "WORDS"');
    await nothingSaved();
  });

  it('says no classifier took the preview when none runs for that Redis prefix, within PREVIEW_TIMEOUT_MS', async () => {
    const other = { ...env, TIDINGS_PREFIX: `${config.prefix}-none`, PREVIEW_TIMEOUT_MS: '1000' };
    const r = await runTidings(['subscribers', 'add', '--own', 'blockchain tokens', '--preview'], other);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(
      'tidings cli: no classifier took the preview within 1000 ms (PREVIEW_TIMEOUT_MS); check that a classifier is running (tidings status) and try again',
    );
    const queue = new Queue(QUEUE.preview, { connection: redis, prefix: other.TIDINGS_PREFIX });
    expect(await queue.count()).toBe(0);
    await queue.close();
  });
});
