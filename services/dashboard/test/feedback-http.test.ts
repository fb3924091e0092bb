import { FeedbackStore } from '@tidings/feedback';
import { createLogger } from '@tidings/runtime';
import { type Config, type FeedbackExample, feedbackReaderId, keySpaceOf, ownTopicId } from '@tidings/shared';
import { buildRun, buildTopicArticle, testConfig, testRedis } from '@tidings/testing';
import { OwnTopicMatches, TopicStoreWriter } from '@tidings/topic-store';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { buildDashboard, type DashboardOptions } from '../src/index.js';

/**
 * Readers' votes over real HTTP against the real dashboard and Redis: the API, the
 * subscriber's page, and the signed links of a personal feed (GET asks, only POST records).
 */

const redis = testRedis();
afterAll(() => redis.quit());
const open: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const app of open.splice(0)) await app.close();
});

const OWN = 'electric vehicles';

async function serve(env: Record<string, string> = {}, options: Partial<DashboardOptions> = {}) {
  const config: Config = testConfig(env);
  const lines: string[] = [];
  const logger = createLogger('dashboard', { level: 'info', destination: { write: (l) => void lines.push(l) } });
  await new TopicStoreWriter(redis, config.prefix).writeRun(
    buildRun({
      articles: [
        buildTopicArticle({
          id: 'sec1',
          label: 'Stock',
          score: 0.55,
          scores: { Stock: 0.55, SEC: 0.3, Crypto: 0.15 },
          title: 'SEC fines a trading desk',
          summary: 'The regulator fined a desk for spoofing.',
          published: '2026-11-24T09:00:00.000Z',
        }),
        buildTopicArticle({
          id: 'ev1',
          label: 'Stock',
          title: 'EV maker shares jump',
          published: '2026-11-24T10:00:00.000Z',
        }),
      ],
      startedAt: '2026-11-24T12:00:00.000Z',
      durationMs: 1000,
    }),
  );
  await new OwnTopicMatches(redis, keySpaceOf(config)).add(ownTopicId(OWN), [
    { articleId: 'ev1', published: Date.parse('2026-11-24T10:00:00.000Z'), score: 0.72 },
  ]);
  const { app } = await buildDashboard({ config, logger, ...options });
  open.push(app);
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const url = (path: string) => `${address}${path}`;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(url(path), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const form = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(url(path), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(fields).toString(),
      redirect: 'manual',
    });
  const feedback = new FeedbackStore(redis, keySpaceOf(config), { perReader: 100, total: 1000 });
  const subscribe = async (name: string) => {
    const res = await post('/api/subscriptions', { name, topics: ['Stock'], ownTopics: [OWN] });
    expect(res.status).toBe(201);
    const body = await res.json();
    const feedKey = /\/feeds\/s\/([a-f0-9]{32})\.atom$/.exec(body.feedUrl)?.[1] ?? '';
    return { id: body.id as string, feedKey };
  };
  return { config, url, post, form, feedback, subscribe, lines, address };
}

const examples = (store: FeedbackStore): Promise<FeedbackExample[]> => store.list();

describe('POST /api/feedback', () => {
  it('records a verdict with the article text and raw scores, and a second vote by the same reader replaces the first', async () => {
    const s = await serve();
    const first = await s.post('/api/feedback', { articleId: 'sec1', topic: 'Stock', verdict: { type: 'not-about' } });
    expect(first.status).toBe(201);
    const second = await s.post('/api/feedback', {
      articleId: 'sec1',
      topic: 'Stock',
      verdict: { type: 'belongs-in', label: 'SEC' },
    });
    expect(second.status).toBe(201);
    expect((await second.json()).id).toBe((await first.json()).id);
    const stored = await examples(s.feedback);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      kind: 'label',
      articleId: 'sec1',
      topic: 'Stock',
      label: 'Stock',
      title: 'SEC fines a trading desk',
      scores: { Stock: 0.55, SEC: 0.3, Crypto: 0.15 },
      verdict: { type: 'belongs-in', label: 'SEC' },
      source: 'api',
    });
  });

  it('refuses an unknown article (404) and an unknown topic or label (400), naming what was unknown, and records nothing', async () => {
    const s = await serve();
    const unknownArticle = await s.post('/api/feedback', {
      articleId: 'nope1',
      topic: 'Stock',
      verdict: { type: 'not-about' },
    });
    expect(unknownArticle.status).toBe(404);
    expect((await unknownArticle.json()).message).toContain("'nope1'");
    const unknownTopic = await s.post('/api/feedback', {
      articleId: 'sec1',
      topic: 'Weather',
      verdict: { type: 'not-about' },
    });
    expect(unknownTopic.status).toBe(400);
    const body = await unknownTopic.json();
    expect(body.error).toBe('TIDINGS_FEEDBACK_UNKNOWN_TOPIC');
    expect(body.message).toContain("'Weather'");
    expect(body.message).toContain('Stock');
    const unknownLabel = await s.post('/api/feedback', {
      articleId: 'sec1',
      topic: 'Stock',
      verdict: { type: 'belongs-in', label: 'Gossip' },
    });
    expect(unknownLabel.status).toBe(400);
    expect((await unknownLabel.json()).message).toContain("'Gossip'");
    const ownWithoutKey = await s.post('/api/feedback', {
      articleId: 'ev1',
      topic: ownTopicId(OWN),
      verdict: { relevant: true },
    });
    expect(ownWithoutKey.status).toBe(400);
    const badField = await s.post('/api/feedback', {
      articleId: '../x',
      topic: 'Stock',
      verdict: { type: 'not-about' },
    });
    expect(badField.status).toBe(400);
    expect((await badField.json()).message).toContain('articleId');
    expect(await examples(s.feedback)).toEqual([]);
  });

  it('refuses a vote from a foreign or null Origin (403), and needs the token when one is set', async () => {
    const s = await serve({ DASHBOARD_TOKEN: 'feedback-token-0123456789' });
    const vote = { articleId: 'sec1', topic: 'Stock', verdict: { type: 'not-about' } };
    const bearer = { authorization: 'Bearer feedback-token-0123456789' };
    for (const origin of ['null', 'https://evil.example'])
      expect((await s.post('/api/feedback', vote, { ...bearer, origin })).status, origin).toBe(403);
    expect((await s.post('/api/feedback', vote)).status).toBe(401);
    expect(await examples(s.feedback)).toEqual([]);
    expect((await s.post('/api/feedback', vote, bearer)).status).toBe(201);
  });
});

describe("a subscriber's votes by feed key", () => {
  it("records relevant / not relevant on their own topic's match, as their own reader, and refuses another's topic", async () => {
    const s = await serve();
    const ann = await s.subscribe('Ann');
    const page = await (await fetch(s.url(`/s/${ann.feedKey}`))).text();
    expect(page).toContain(`action="/s/${ann.feedKey}/feedback"`);
    expect(page).toContain('value="not-relevant"');
    const res = await s.post(`/s/${ann.feedKey}/feedback`, {
      articleId: 'ev1',
      topic: ownTopicId(OWN),
      verdict: 'not-relevant',
    });
    expect(res.status).toBe(201);
    const [stored] = await examples(s.feedback);
    expect(stored).toMatchObject({
      kind: 'own',
      topic: ownTopicId(OWN),
      ownScore: 0.72,
      subscriptionId: ann.id,
      verdict: { relevant: false },
      source: 'subscriber-page',
      reader: feedbackReaderId('feed-key', ann.feedKey),
    });
    const notTheirs = await s.post(`/s/${ann.feedKey}/feedback`, {
      articleId: 'ev1',
      topic: ownTopicId('gold miners'),
      verdict: 'relevant',
    });
    expect(notTheirs.status).toBe(400);
    expect((await notTheirs.json()).message).toContain(ownTopicId('gold miners'));
    const unknownKey = await s.post(`/s/${'0'.repeat(32)}/feedback`, {
      articleId: 'ev1',
      topic: 'x',
      verdict: 'relevant',
    });
    expect(unknownKey.status).toBe(404);
    expect(await examples(s.feedback)).toHaveLength(1);
  });

  it('answers a form sent without JavaScript with a page saying what was recorded', async () => {
    const s = await serve();
    const ann = await s.subscribe('Ann');
    const res = await s.form(`/s/${ann.feedKey}/feedback`, {
      articleId: 'ev1',
      topic: ownTopicId(OWN),
      verdict: 'relevant',
    });
    expect(res.status).toBe(201);
    expect(await res.text()).toContain('Recorded: relevant to “electric vehicles”');
  });
});

describe('vote links in a personal feed', () => {
  const linksOf = (atom: string) =>
    [...atom.matchAll(/<link rel="related" href="([^"]+)" title="([^"]+)"\/>/g)].map((m) => ({
      href: (m[1] ?? '').replaceAll('&amp;', '&'),
      title: m[2] ?? '',
    }));

  it('open a confirm page that records nothing; its button POSTs and records the vote as that subscriber', async () => {
    const s = await serve();
    const ann = await s.subscribe('Ann');
    const atom = await (await fetch(s.url(`/feeds/s/${ann.feedKey}.atom`))).text();
    expect(atom).toContain('<t:why>Stock 0.55, ahead of SEC 0.30</t:why>');
    const links = linksOf(atom);
    const notAbout = links.find((l) => l.title === 'Not about Stock? Tell tidings' && l.href.includes('a=sec1'));
    const relevant = links.find((l) => l.title === 'Relevant to “electric vehicles”');
    expect(notAbout && relevant).toBeTruthy();
    // The link names no feed key: a forwarded digest or a proxy log opens nothing else.
    for (const l of links) expect(l.href).not.toContain(ann.feedKey);

    const confirm = await fetch(notAbout?.href ?? '');
    expect(confirm.status).toBe(200);
    const html = await confirm.text();
    expect(html).toContain('not about Stock');
    expect(html).toContain('belongs in SEC');
    expect(await examples(s.feedback)).toEqual([]);

    const fields = Object.fromEntries(new URL(notAbout?.href ?? '').searchParams);
    const recorded = await s.form('/feedback/confirm', fields);
    expect(recorded.status).toBe(201);
    expect(await recorded.text()).toContain('Recorded: not about Stock');
    const [stored] = await examples(s.feedback);
    expect(stored).toMatchObject({
      articleId: 'sec1',
      verdict: { type: 'not-about' },
      source: 'feed-link',
      reader: feedbackReaderId('feed-key', ann.feedKey),
    });
  });

  it('refuse a token changed to another verdict or moved to another subscriber (403), and a null Origin, recording nothing', async () => {
    const s = await serve();
    const ann = await s.subscribe('Ann');
    const bob = await s.subscribe('Bob');
    const atom = await (await fetch(s.url(`/feeds/s/${ann.feedKey}.atom`))).text();
    const link = linksOf(atom).find((l) => l.title === 'Relevant to “electric vehicles”');
    const fields = Object.fromEntries(new URL(link?.href ?? '').searchParams);
    const flipped = await s.form('/feedback/confirm', { ...fields, v: 'not-relevant' });
    expect(flipped.status).toBe(403);
    expect(await flipped.text()).toContain('not made for this vote');
    expect((await s.form('/feedback/confirm', { ...fields, s: bob.id })).status).toBe(403);
    expect((await fetch(s.url(`/feedback/confirm?${new URLSearchParams({ ...fields, s: bob.id })}`))).status).toBe(403);
    expect((await s.form('/feedback/confirm', fields, { origin: 'null' })).status).toBe(403);
    const damaged = await s.form('/feedback/confirm', { ...fields, a: '../etc' });
    expect(damaged.status).toBe(400);
    expect(await damaged.text()).toContain('a not an article id');
    expect(await examples(s.feedback)).toEqual([]);
    expect((await s.form('/feedback/confirm', fields)).status).toBe(201);
  });

  it('work without the dashboard token, which the page form still needs', async () => {
    const token = 'feedback-token-0123456789';
    const s = await serve({ DASHBOARD_TOKEN: token });
    const res = await s.post(
      '/api/subscriptions',
      { name: 'Ann', topics: ['Stock'] },
      { authorization: `Bearer ${token}` },
    );
    const feedKey = /\/feeds\/s\/([a-f0-9]{32})\.atom$/.exec((await res.json()).feedUrl)?.[1] ?? '';
    const atom = await (await fetch(s.url(`/feeds/s/${feedKey}.atom`))).text();
    const href = linksOf(atom).find((l) => l.href.includes('a=sec1'))?.href ?? '';
    expect((await fetch(href)).status).toBe(200);
    expect((await s.form('/feedback/confirm', Object.fromEntries(new URL(href).searchParams))).status).toBe(201);
    const pageForm = await s.form('/feedback', { articleId: 'sec1', topic: 'Stock', verdict: 'not-about' });
    expect(pageForm.status).toBe(401);
    expect(await examples(s.feedback)).toHaveLength(1);
  });

  it('keep feed keys out of the request log', async () => {
    const s = await serve();
    const ann = await s.subscribe('Ann');
    await s.post(`/s/${ann.feedKey}/feedback`, { articleId: 'ev1', topic: ownTopicId(OWN), verdict: 'relevant' });
    const atom = await (await fetch(s.url(`/feeds/s/${ann.feedKey}.atom`))).text();
    const href = linksOf(atom)[0]?.href ?? '';
    await fetch(href);
    await s.form('/feedback/confirm', Object.fromEntries(new URL(href).searchParams));
    const log = s.lines.join('');
    expect(log).toContain('/s/****/feedback');
    expect(log).toContain('/feedback/confirm?');
    expect(log).not.toContain(ann.feedKey);
  });
});

describe('vote rate limits', () => {
  it('answer 429 with Retry-After past the per-reader budget, whichever address the feed key votes from, and record nothing more', async () => {
    const s = await serve({}, { votesPerMinute: { perClient: 100, perReader: 3 } });
    const ann = await s.subscribe('Ann');
    const vote = (verdict: string) =>
      s.post(`/s/${ann.feedKey}/feedback`, { articleId: 'ev1', topic: ownTopicId(OWN), verdict });
    for (let i = 0; i < 3; i++) expect((await vote(i % 2 ? 'relevant' : 'not-relevant')).status).toBe(201);
    const refused = await vote('relevant');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await refused.json()).message).toContain('per reader');
    const [stored] = await examples(s.feedback);
    expect(stored?.verdict).toEqual({ relevant: false });
    // The operator is another reader: their budget is untouched.
    expect(
      (await s.post('/api/feedback', { articleId: 'sec1', topic: 'Stock', verdict: { type: 'not-about' } })).status,
    ).toBe(201);
  });

  it('answer 429 past the per-client budget across readers', async () => {
    const s = await serve({}, { votesPerMinute: { perClient: 2, perReader: 100 } });
    const ann = await s.subscribe('Ann');
    const bob = await s.subscribe('Bob');
    const vote = (key: string) =>
      s.post(`/s/${key}/feedback`, { articleId: 'ev1', topic: ownTopicId(OWN), verdict: 'relevant' });
    expect((await vote(ann.feedKey)).status).toBe(201);
    expect((await vote(bob.feedKey)).status).toBe(201);
    const refused = await vote(bob.feedKey);
    expect(refused.status).toBe(429);
    expect((await refused.json()).message).toContain('per client');
  });
});

describe('GET /api/articles/:id/explain', () => {
  it("answers every label's raw and calibrated score, the label it beat, and the calibration that moved it", async () => {
    const s = await serve();
    const res = await fetch(s.url('/api/articles/sec1/explain'));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      articleId: 'sec1',
      label: 'Stock',
      beat: { label: 'SEC', score: 0.3 },
      why: 'Stock 0.55, ahead of SEC 0.30',
      calibration: null,
    });
    expect(body.labels).toEqual([
      { label: 'Stock', raw: 0.55, calibrated: 0.55 },
      { label: 'SEC', raw: 0.3, calibrated: 0.3 },
      { label: 'Crypto', raw: 0.15, calibrated: 0.15 },
    ]);
    const unknown = await fetch(s.url('/api/articles/nope1/explain'));
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).message).toContain("'nope1'");
    expect((await fetch(s.url('/api/articles/..%2Fx/explain'))).status).toBe(400);
  });
});
