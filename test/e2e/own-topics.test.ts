import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startAggregator } from '@tidings/aggregator';
import { prepareModel, startClassifier } from '@tidings/classifier';
import { startDashboard } from '@tidings/dashboard';
import { startLoader } from '@tidings/loader';
import { startNotifier } from '@tidings/notifier';
import { requestRun } from '@tidings/run-requests';
import { createLogger } from '@tidings/runtime';
import { BackfillProgressSchema, ClassifyResultSchema, ownTopicId, QUEUE, redisKeys } from '@tidings/shared';
import { CNBC_FIXTURE, startMailServer, testConfig, testRedis, waitFor } from '@tidings/testing';
import { TopicStoreReader } from '@tidings/topic-store';
import { type Job, Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BITCOIN = 'Bitcoin slides below $80,000 as crypto ETF outflows mount';
const IPO = 'Fintech lender prices IPO above range, valuing company at $9 billion ahead of Nasdaq debut';

interface JsonFeed {
  title: string;
  items: { title: string; tags: string[]; _tidings: { own_topics?: { topic: string; score: number }[] } }[];
}

const TOKEN = 'own-topics-token-0123456789';

describe('own topics: a reader writes a topic, the model classifies it, their feed and digest carry it', () => {
  const logger = createLogger('test', { level: 'silent' });
  const redis = testRedis();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-own-'));
  let mail: Awaited<ReturnType<typeof startMailServer>>;
  let config: ReturnType<typeof testConfig>;
  let services: { close(): Promise<void> }[] = [];
  let base: string;
  let feeds: Queue;
  let backfill: Queue;

  const api = async (method: string, url: string, body?: unknown) => {
    const response = await fetch(new URL(url, base), {
      method,
      headers: {
        authorization: `Bearer ${TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  const jsonFeed = async (url: string) => (await (await fetch(url)).json()) as JsonFeed;

  beforeAll(async () => {
    mail = await startMailServer();
    config = testConfig({
      FEED_URLS: CNBC_FIXTURE,
      DATA_DIR: dataDir,
      SMTP_URL: mail.url,
      DASHBOARD_PORT: '0',
      OWN_TOPICS_MAX: '3',
      OWN_TOPICS_PER_SUBSCRIBER: '5',
      // Subscriptions are listed only with a token; the readers' feeds and pages need only their keys.
      DASHBOARD_TOKEN: TOKEN,
    });
    const model = await prepareModel(config, logger);
    const dashboard = await startDashboard({ config, logger });
    base = `${dashboard.address}/`;
    services = [
      dashboard,
      await startLoader({ config, logger, schedule: false }),
      await startClassifier({ config, logger, model }),
      await startAggregator({ config, logger }),
      await startNotifier({ config, logger }),
    ];
    feeds = new Queue(QUEUE.runRequests, { connection: redis, prefix: config.prefix });
    backfill = new Queue(QUEUE.backfill, { connection: redis, prefix: config.prefix });
  });
  afterAll(async () => {
    for (const s of services) await s.close();
    await feeds.close();
    await backfill.close();
    await mail.close();
    await redis.quit();
  });

  it('refuses bad own topics with a 400 that says what is wrong and where, and keeps nothing', async () => {
    const refused = async (ownTopics: unknown) => {
      const r = await api('POST', 'api/subscriptions', { name: 'Mallory', ownTopics, email: 'm@example.com' });
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      return r.body.message as string;
    };
    expect(await refused(['  '])).toMatch(/^ownTopics\[0\]: is empty; write a few words/);
    expect(await refused(['x'.repeat(10_000)])).toBe(
      'ownTopics[0]: is 10000 characters long; at most 80 (OWN_TOPIC_MAX_CHARS); write the topic in a few words, as you would name a folder',
    );
    expect(await refused(Array.from({ length: 1_000 }, (_, i) => `topic ${i}`))).toBe(
      'ownTopics: 1000 own topics; a subscription may have at most 5 (OWN_TOPICS_PER_SUBSCRIBER); keep the ones you read most',
    );
    expect(await refused(['ev', '<script>alert(1)</script>'])).toMatch(/^ownTopics\[1\]: contains < or >: markup/);
    expect(await refused(['{} rates'])).toMatch(/^ownTopics\[0\]: contains \{ or \}, which the hypothesis template/);
    expect(await refused(['  crypto '])).toBe(
      "ownTopics[0]: 'crypto' is the shared label 'Crypto'; choose 'Crypto' in topics instead",
    );
    expect(await refused([])).toMatch(/^a subscription needs at least one topic/);
    expect(await refused('electric vehicles')).toMatch(/^ownTopics: /);
    expect((await api('GET', 'api/subscriptions')).body.subscriptions).toEqual([]);
    expect(await redis.hlen(redisKeys(config.prefix).ownTopics)).toBe(0);
  });

  it("delivers an own topic's matches, and only those, in the personal feed and the digest after one run", async () => {
    const created = await api('POST', 'api/subscriptions', {
      name: 'Ann',
      ownTopics: ['Blockchain   tokens'],
      email: 'ann@example.com',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.ownTopics).toEqual(['Blockchain tokens']);
    // The same topic in other case and spacing is one topic, classified once for both.
    const again = await api('POST', 'api/subscriptions', {
      name: 'Bo',
      topics: ['Stock'],
      ownTopics: ['blockchain TOKENS'],
    });
    expect(again.status).toBe(201);
    expect(await redis.hgetall(redisKeys(config.prefix).ownTopics)).toEqual({
      [ownTopicId('blockchain tokens')]: 'Blockchain tokens',
    });

    const runId = await requestRun(feeds);
    await waitFor(() => mail.mails.length >= 1, { what: "Ann's digest", timeoutMs: 60_000 });

    const digest = mail.mails[0]!;
    expect(digest.subject).toBe('tidings: 1 new article in 1 topic');
    expect(digest.text).toContain('Your topic "Blockchain tokens" (1)');
    expect(digest.text).toContain(BITCOIN);
    expect(digest.text).toMatch(/match (99|100)%/);
    expect(digest.text).not.toContain(IPO);
    expect(digest.html).toContain('Your topic “Blockchain tokens” (1)');

    const feed = await jsonFeed(created.body.jsonFeedUrl);
    expect(feed.title).toBe('tidings for Ann: “Blockchain tokens”');
    expect(feed.items.map((i) => i.title)).toEqual([BITCOIN]);
    for (const item of feed.items) {
      expect(item.tags).toContain('Blockchain tokens');
      expect(item._tidings.own_topics?.[0]?.topic).toBe('Blockchain tokens');
      expect(item._tidings.own_topics?.[0]?.score).toBeGreaterThan(config.ownTopics.threshold);
    }
    const atom = await (await fetch(created.body.feedUrl)).text();
    expect(atom).toContain('<category scheme="urn:tidings:own-topic" term="Blockchain tokens"');
    expect(atom).not.toContain('Fintech lender');

    // Every own-topic score is stored beside the article, matching or not.
    const store = new TopicStoreReader(redis, config.prefix);
    const stored = await store.articlesById(await store.runArticleIds(runId));
    const id = ownTopicId('blockchain tokens');
    for (const a of stored) expect(a.ownScores?.[id], a.title).toBeTypeOf('number');
    expect(stored.find((a) => a.title === IPO)?.ownScores?.[id]).toBeLessThan(config.ownTopics.threshold);
    // The classifier's results carry them too, one per distinct topic.
    const classify = new Queue(QUEUE.classify, { connection: redis, prefix: config.prefix });
    const [done] = await classify.getCompleted(0, 0);
    await classify.close();
    expect(Object.keys(ClassifyResultSchema.parse(done?.returnvalue).ownScores ?? {})).toEqual([id]);
  }, 120_000);

  it("backfills a new own topic from the stored articles, so the reader's feed fills without a run", async () => {
    const runsBefore = (await new TopicStoreReader(redis, config.prefix).runs()).total;
    const carl = await api('POST', 'api/subscriptions', { name: 'Carl', ownTopics: ['initial public offering'] });
    expect(carl.status).toBe(201);
    const topicId = ownTopicId('initial public offering');

    let job: Job | undefined;
    await waitFor(
      async () => {
        [job] = (await backfill.getCompleted(0, 10)).filter((j) => j.data.topicId === topicId);
        return job !== undefined;
      },
      { what: 'the backfill job of "initial public offering"', timeoutMs: 30_000 },
    );
    const progress = BackfillProgressSchema.parse(job?.progress);
    expect(progress.done).toBe(progress.total);
    expect(progress.total).toBeGreaterThan(5);
    expect(progress.matched).toBe(1);

    const feed = await jsonFeed(carl.body.jsonFeedUrl);
    expect(feed.items.map((i) => i.title)).toEqual([IPO]);
    expect((await new TopicStoreReader(redis, config.prefix).runs()).total).toBe(runsBefore);

    // The subscriber's page, opened by the feed key, lists it with its score.
    const page = await (await fetch(carl.body.pageUrl)).text();
    expect(page).toContain('“initial public offering” (1)');
    expect(page).toContain('Fintech lender prices IPO');
    expect((await fetch(new URL('s/0123456789abcdef0123456789abcdef', base))).status).toBe(404);
  }, 60_000);

  it('refuses a distinct own topic past OWN_TOPICS_MAX, and frees a topic nobody has any more', async () => {
    const dana = await api('POST', 'api/subscriptions', { name: 'Dana', ownTopics: ['crude oil'] });
    expect(dana.status).toBe(201);
    // Three distinct topics now: blockchain tokens, initial public offering, crude oil.
    const full = await api('POST', 'api/subscriptions', { name: 'Eve', ownTopics: ['electric vehicles'] });
    expect(full.status).toBe(400);
    expect(full.body.message).toMatch(
      /^ownTopics: this deployment already classifies its 3 distinct own topics \(OWN_TOPICS_MAX\), and this would add 1 more/,
    );
    // A topic someone already has costs nothing, and is taken.
    expect((await api('POST', 'api/subscriptions', { name: 'Eve', ownTopics: ['Crude  Oil'] })).status).toBe(201);

    // Dana changes her mind: her topic stays (Eve has it); Eve leaves too, and it is dropped.
    const changed = await api('PATCH', `api/subscriptions/${dana.body.id}`, { ownTopics: ['electric vehicles'] });
    expect(changed.status, JSON.stringify(changed.body)).toBe(400);
    const eve = (await api('GET', 'api/subscriptions')).body.subscriptions.find(
      (s: { name: string }) => s.name === 'Eve',
    );
    expect((await api('DELETE', `api/subscriptions/${eve.id}`)).status).toBe(204);
    const patched = await api('PATCH', `api/subscriptions/${dana.body.id}`, { ownTopics: ['electric vehicles'] });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(Object.values(await redis.hgetall(redisKeys(config.prefix).ownTopics)).sort()).toEqual([
      'Blockchain tokens',
      'electric vehicles',
      'initial public offering',
    ]);
  });
});
