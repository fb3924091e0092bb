import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@tidings/runtime';
import { ownTopicId, redisKeys } from '@tidings/shared';
import { SubscriptionStore } from '@tidings/subscriptions';
import { testConfig, testRedis, waitFor } from '@tidings/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { buildDashboard, type DashboardOptions } from '../src/index.js';

/**
 * What one client may take of what every client shares (docs/security.md): each test makes
 * one client reach its limit over a real server and the real Redis, and checks that the
 * others still get theirs. Clients are told apart by X-Forwarded-For under TRUST_PROXY.
 */

const logger = createLogger('quota-test', { level: 'silent' });
const redis = testRedis();
afterAll(() => redis.quit());

type Served = Awaited<ReturnType<typeof buildDashboard>> & { config: ReturnType<typeof testConfig>; port: number };
const open: Served[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.app.close();
});

async function serve(
  env: Record<string, string> = {},
  options: Omit<DashboardOptions, 'config' | 'logger'> = {},
): Promise<Served> {
  const config = testConfig(env);
  const built = await buildDashboard({ config, logger, ...options });
  await built.app.listen({ host: '127.0.0.1', port: 0 });
  const served = { ...built, config, port: (built.app.server.address() as AddressInfo).port };
  open.push(served);
  return served;
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Raw HTTP, so the client's X-Forwarded-For is exactly what the test says. */
function send(
  s: Served,
  path: string,
  { method = 'GET', client, body, type }: { method?: string; client?: string; body?: string; type?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: `127.0.0.1:${s.port}` };
    if (client) headers['x-forwarded-for'] = client;
    if (type) headers['content-type'] = type;
    const req = http.request({ host: '127.0.0.1', port: s.port, path, method, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const api = (s: Served, method: string, path: string, body: unknown, client?: string) =>
  send(s, path, { method, client, body: JSON.stringify(body), type: 'application/json' });
const idOf = (answer: Answer): string => JSON.parse(answer.body).id;

const ALICE = '203.0.113.10';
const BOB = '198.51.100.20';

describe('creating and changing subscriptions', () => {
  it('are rate-limited per client, the API and the page’s form together, with a 429 that says when to retry', async () => {
    const s = await serve({ TRUST_PROXY: 'true' }, { subscriptionChangesPerMinute: 3 });
    const ann = await api(s, 'POST', '/api/subscriptions', { name: 'Ann', topics: ['Crypto'] }, ALICE);
    expect(ann.status).toBe(201);
    expect((await api(s, 'PATCH', `/api/subscriptions/${idOf(ann)}`, { name: 'Anna' }, ALICE)).status).toBe(200);
    const viaForm = await send(s, '/subscriptions', {
      method: 'POST',
      client: ALICE,
      type: 'application/x-www-form-urlencoded',
      body: new URLSearchParams([
        ['name', 'Dee'],
        ['topics', 'IPO'],
      ]).toString(),
    });
    expect(viaForm.status).toBe(201);

    for (const [method, path] of [
      ['POST', '/api/subscriptions'],
      ['PATCH', `/api/subscriptions/${idOf(ann)}`],
    ] as const) {
      const refused = await api(s, method, path, { name: 'Eve', topics: ['Crypto'] }, ALICE);
      expect(refused.status, `${method} ${path}`).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(JSON.parse(refused.body)).toEqual({
        error: 'TIDINGS_DASHBOARD_TOO_MANY_SUBSCRIPTION_CHANGES',
        message: expect.stringMatching(/^at most 3 subscription changes a minute per client; try again in \d+ s$/),
      });
    }
    // Another client has its own budget.
    expect((await api(s, 'POST', '/api/subscriptions', { name: 'Bob', topics: ['Crypto'] }, BOB)).status).toBe(201);
    const names = (await new SubscriptionStore(redis, s.config.prefix, { labels: s.config.zeroShot.labels }).list())
      .map((sub) => sub.name)
      .sort();
    expect(names).toEqual(['Anna', 'Bob', 'Dee']);
  });

  it('let one client add at most OWN_TOPICS_PER_CLIENT own topics new to the deployment a day', async () => {
    const s = await serve({ TRUST_PROXY: 'true', OWN_TOPICS_PER_CLIENT: '3' });
    const registered = async () => (await redis.hkeys(redisKeys(s.config.prefix).ownTopics)).sort();
    const ids = (...words: string[]) => words.map(ownTopicId).sort();
    const ann = await api(s, 'POST', '/api/subscriptions', { name: 'Ann', ownTopics: ['lithium', 'copper'] }, ALICE);
    expect(ann.status).toBe(201);
    const patch = (ownTopics: string[]) =>
      api(s, 'PATCH', `/api/subscriptions/${idOf(ann)}`, { ownTopics }, ALICE).then((r) => r.status);

    const over = await api(s, 'PATCH', `/api/subscriptions/${idOf(ann)}`, { ownTopics: ['nickel', 'cobalt'] }, ALICE);
    expect(over.status).toBe(429);
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(over.headers['retry-after'])).toBeLessThanOrEqual(24 * 60 * 60);
    expect(JSON.parse(over.body).message).toMatch(
      /^ownTopics: this would add 2 own topics new to the deployment, and one client may add at most 3 a day \(OWN_TOPICS_PER_CLIENT\); choose topics others already have, or try again in \d+ h$/,
    );
    expect(await registered()).toEqual(ids('lithium', 'copper'));

    expect(await patch(['lithium', 'nickel'])).toBe(200);
    // Copper went with that change; the client added it today already, so taking it back is free.
    expect(await patch(['lithium', 'copper'])).toBe(200);
    // A refused change is charged nothing: its reason is its own.
    expect(await patch(['<b>zinc</b>'])).toBe(400);
    expect(await patch(['tin'])).toBe(429);

    // Another client has its own budget, and a topic somebody has costs nobody anything.
    const bob = await api(s, 'POST', '/api/subscriptions', { name: 'Bob', ownTopics: ['cobalt', 'tin'] }, BOB);
    expect(bob.status).toBe(201);
    expect(await patch(['cobalt', 'tin'])).toBe(200);
    expect(await registered()).toEqual(ids('cobalt', 'tin'));
  });

  it('queue one backfill for a topic swapped out and in while its backfill waits', async () => {
    const s = await serve();
    const ann = await api(s, 'POST', '/api/subscriptions', { name: 'Ann', ownTopics: ['lithium'] });
    expect(ann.status).toBe(201);
    for (let i = 0; i < 5; i++) {
      for (const ownTopics of [['copper'], ['lithium']]) {
        expect((await api(s, 'PATCH', `/api/subscriptions/${idOf(ann)}`, { ownTopics })).status).toBe(200);
      }
    }
    const jobs = await s.data.queues.backfill.getJobs(['waiting', 'delayed', 'prioritized', 'active']);
    const perTopic = (words: string) => jobs.filter((job) => job.data.topicId === ownTopicId(words)).length;
    expect([perTopic('lithium'), perTopic('copper')]).toEqual([1, 1]);
  });
});

/** An /events stream over raw HTTP: its status and first bytes once they arrive, and a promise that settles when the server ends it. */
function openStream(
  s: Served,
  client?: string,
): Promise<{ status: number; first: string; request: http.ClientRequest; ended: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: `127.0.0.1:${s.port}` };
    if (client) headers['x-forwarded-for'] = client;
    const request = http.get({ host: '127.0.0.1', port: s.port, path: '/events', headers, agent: false }, (res) => {
      const ended = new Promise<void>((done) => {
        res.on('close', () => done());
      });
      res.once('data', (chunk) => resolve({ status: res.statusCode ?? 0, first: String(chunk), request, ended }));
      res.on('error', () => {});
    });
    request.on('error', reject);
  });
}

describe('live-update streams', () => {
  it('are capped per client, so one client cannot hold every place', async () => {
    const s = await serve({ TRUST_PROXY: 'true', DASHBOARD_MAX_SSE_CLIENTS: '10' }, { streamsPerClient: 2 });
    const first = await openStream(s, ALICE);
    const second = await openStream(s, ALICE);
    expect([first.status, second.status]).toEqual([200, 200]);
    const third = await openStream(s, ALICE);
    expect(third.status).toBe(429);
    expect(JSON.parse(third.first)).toEqual({
      error: 'TIDINGS_DASHBOARD_TOO_MANY_STREAMS_FOR_CLIENT',
      message: 'this client already has 2 live-update streams open, the most one client may hold; close a tab',
    });
    expect((await openStream(s, BOB)).status).toBe(200);

    // A tab that closes gives its place back to its client.
    first.request.destroy();
    const again = await waitFor(
      async () => {
        const answer = await openStream(s, ALICE);
        return answer.status === 200 ? answer : undefined;
      },
      { what: 'the closed tab to give its place back' },
    );
    expect(again.status).toBe(200);
  });

  it('are ended after sending nothing for the idle limit, which gives their place back', async () => {
    const s = await serve({ DASHBOARD_MAX_SSE_CLIENTS: '1' }, { streamIdleMs: 300 });
    const stream = await openStream(s);
    expect(stream.status).toBe(200);
    await stream.ended;
    const again = await waitFor(
      async () => {
        const answer = await openStream(s);
        return answer.status === 200 ? answer : undefined;
      },
      { what: 'the idle stream to give its place back' },
    );
    expect(again.status).toBe(200);
  });
});
