import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@tidings/runtime';
import { QUEUE, redisKeys } from '@tidings/shared';
import { SubscriptionStore } from '@tidings/subscriptions';
import { buildPreviewFixtureRun, testConfig, testRedis, waitFor } from '@tidings/testing';
import { TopicStoreWriter } from '@tidings/topic-store';
import { Worker } from 'bullmq';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { buildDashboard } from '../src/index.js';

/**
 * POST /api/own-topics/preview and POST /s/:key/preview over HTTP, with no classifier running:
 * what is refused before a classifier is asked, one preview at a time per reader, and the
 * answer when nobody takes the preview. (Previews a classifier answers: test/e2e.)
 */

const TOKEN = 'preview-token-0123456789abcdef';
const logger = createLogger('preview-test', { level: 'silent' });
const redis = testRedis();
afterAll(() => redis.quit());
const open: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const app of open.splice(0)) await app.close();
});

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: { error?: string; message?: string } & Record<string, unknown>;
}

async function serve(env: Record<string, string> = {}) {
  const config = testConfig({ PREVIEW_TIMEOUT_MS: '1500', ...env });
  await new TopicStoreWriter(redis, config.prefix).writeRun(buildPreviewFixtureRun());
  const { app, data } = await buildDashboard({ config, logger });
  open.push(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as AddressInfo).port;
  /** Raw HTTP, so Host and Origin are exactly what a browser or an attacker would send. */
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    new Promise<Answer>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          path,
          method: 'POST',
          headers: { host: `127.0.0.1:${port}`, 'content-type': 'application/json', ...headers },
          agent: false,
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk) => {
            text += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) }));
        },
      );
      req.on('error', reject);
      req.end(typeof body === 'string' ? body : JSON.stringify(body));
    });
  const subscriptions = new SubscriptionStore(redis, config.prefix, { labels: config.zeroShot.labels });
  return { config, data, port, post, subscriptions };
}

describe('previewing an own topic', () => {
  it('refuses an empty, over-long, markup or label topic by the rules a save uses, naming the field, and asks no classifier', async () => {
    const s = await serve();
    const cases: [unknown, number, RegExp][] = [
      [{ ownTopic: '   ' }, 400, /^ownTopic: is empty; write a few words/],
      [{ ownTopic: 'x'.repeat(81) }, 400, /^ownTopic: is 81 characters long; at most 80 \(OWN_TOPIC_MAX_CHARS\)/],
      [{ ownTopic: '<b>tokens</b>' }, 400, /^ownTopic: contains < or >/],
      [{ ownTopic: 'crypto' }, 400, /^ownTopic: 'crypto' is the shared label 'Crypto'/],
      [{ ownTopic: 'tokens\u200b' }, 400, /^ownTopic.*U\+200B/],
      [{}, 400, /ownTopic/],
      [{ ownTopic: 'tokens', extra: 1 }, 400, /extra is not a field this accepts/],
    ];
    for (const [body, status, message] of cases) {
      const answer = await s.post('/api/own-topics/preview', body);
      expect(answer.status, JSON.stringify(body)).toBe(status);
      expect(answer.body.message, JSON.stringify(body)).toMatch(message);
    }
    expect(await s.data.queues.preview.count()).toBe(0);
    expect(await redis.hlen(redisKeys(s.config.prefix).ownTopics)).toBe(0);
  });

  it('answers 503 saying no classifier took it when none runs, and withdraws the preview', async () => {
    const s = await serve();
    const answer = await s.post('/api/own-topics/preview', { ownTopic: 'blockchain tokens' });
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ error: 'TIDINGS_PREVIEW_UNANSWERED' });
    expect(answer.body.message).toMatch(
      /^no classifier took the preview within 1500 ms \(PREVIEW_TIMEOUT_MS\); check that a classifier is running/,
    );
    expect(await s.data.queues.preview.getJobCounts('waiting', 'active')).toEqual({ waiting: 0, active: 0 });
  });

  it('answers 504 when a classifier took the preview and did not finish it in time', async () => {
    const s = await serve();
    // A worker that takes the job and holds it past the budget: a classifier stuck on a long batch.
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const connection = redis.duplicate();
    const stuck = new Worker(QUEUE.preview, () => held, { connection, prefix: s.config.prefix });
    try {
      const answer = await s.post('/api/own-topics/preview', { ownTopic: 'blockchain tokens' });
      expect(answer.status).toBe(504);
      expect(answer.body.message).toMatch(
        /^a classifier took the preview but did not finish it within 1500 ms \(PREVIEW_TIMEOUT_MS\); the classifiers are busy/,
      );
    } finally {
      release();
      await stuck.close();
      connection.disconnect();
    }
  });

  it('runs one preview at a time per reader: a second gets 429 with Retry-After, another reader is not held up', async () => {
    const s = await serve({ PREVIEW_TIMEOUT_MS: '6000' });
    const sub = await s.subscriptions.create({ name: 'Ann', topics: ['Crypto'], ownTopics: [] });
    const first = s.post('/api/own-topics/preview', { ownTopic: 'blockchain tokens' });
    await waitFor(async () => (await s.data.queues.preview.count()) === 1, { what: 'the first preview queued' });
    const second = await s.post('/api/own-topics/preview', { ownTopic: 'crude oil' });
    expect(second.status).toBe(429);
    expect(second.body).toMatchObject({ error: 'TIDINGS_DASHBOARD_PREVIEW_RUNNING' });
    expect(second.body.message).toMatch(/^a preview of yours is still running; one at a time: try again in \d+ s$/);
    expect(Number(second.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(second.headers['retry-after'])).toBeLessThanOrEqual(7);
    // The subscriber's page is another reader: its preview is queued beside the first.
    const theirs = s.post(`/s/${sub.feedKey}/preview`, { ownTopic: 'crude oil' });
    await waitFor(async () => (await s.data.queues.preview.count()) === 2, { what: 'the page preview queued' });
    expect((await first).status).toBe(503);
    expect((await theirs).status).toBe(503);
    // Once the first has answered, the reader may preview again.
    expect((await s.post('/api/own-topics/preview', { ownTopic: '' })).status).toBe(400);
    const again = s.post('/api/own-topics/preview', { ownTopic: 'crude oil' });
    await waitFor(async () => (await s.data.queues.preview.count()) === 1, { what: 'the next preview queued' });
    expect((await again).status).toBe(503);
  });

  it("on a subscriber's page: 404 for a key nobody has, opened by the key without the token, refused from another origin", async () => {
    const s = await serve({ DASHBOARD_TOKEN: TOKEN });
    const sub = await s.subscriptions.create({ name: 'Bo', topics: ['Crypto'], ownTopics: [] });
    const unknown = await s.post(`/s/${'0'.repeat(32)}/preview`, { ownTopic: 'blockchain tokens' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toMatch(/^no subscriber has this key/);
    expect((await s.post('/s/not-a-key/preview', { ownTopic: 'blockchain tokens' })).status).toBe(404);
    const bad = await s.post(`/s/${sub.feedKey}/preview`, { ownTopic: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^ownTopic: is empty/);
    for (const origin of ['null', 'https://evil.example']) {
      const answer = await s.post(`/s/${sub.feedKey}/preview`, { ownTopic: 'blockchain tokens' }, { origin });
      expect(answer.status, origin).toBe(403);
    }
    const form = await s.post('/api/own-topics/preview', { ownTopic: 'blockchain tokens' });
    expect(form.status).toBe(401);
    const withToken = await s.post('/api/own-topics/preview', { ownTopic: '' }, { authorization: `Bearer ${TOKEN}` });
    expect(withToken.status).toBe(400);
    expect(await s.data.queues.preview.count()).toBe(0);
  });
});
