import { createLogger } from '@tidings/runtime';
import type { TopicArticle } from '@tidings/shared';
import { buildRun, buildTopicArticle, testConfig, testRedis } from '@tidings/testing';
import { TopicStoreWriter } from '@tidings/topic-store';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { buildDashboard } from '../src/index.js';

const silent = createLogger('search-test', { level: 'silent' });
const redis = testRedis();
afterAll(() => redis.quit());
const open: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const app of open.splice(0)) await app.close();
});

const HOUR = 3_600_000;
const ago = (hours: number) => new Date(Date.now() - hours * HOUR).toISOString();
const EVIL_TITLE = '<script>alert("x")</script> Bitcoin <b>slides</b>';
const EVIL_SUMMARY = 'Crypto <b>ETF</b> outflows & <img src=x onerror="alert(1)"> mount';

function article(id: string, runId: string, fields: Partial<TopicArticle>): TopicArticle {
  return buildTopicArticle({ id, title: 'Untitled', published: ago(1), fetchedAt: ago(0), runId, ...fields });
}

const run = (id: string, articles: TopicArticle[]) => buildRun({ id, articles, startedAt: ago(0), durationMs: 10 });

async function serve(env: Record<string, string> = {}) {
  const config = testConfig({ RETENTION_DAYS: '7', ...env });
  const store = new TopicStoreWriter(redis, config.prefix, { labelOrder: config.zeroShot.labels });
  await store.writeRun(
    run('run-1', [
      article('evil', 'run-1', { title: EVIL_TITLE, summary: EVIL_SUMMARY, published: ago(2) }),
      article('miners', 'run-1', {
        title: 'Bitcoin miners rally',
        summary: 'Hash rate at a record high',
        published: ago(1),
      }),
      article('oil', 'run-1', { title: 'Oil climbs', summary: 'OPEC cuts output', label: 'Energy', published: ago(3) }),
      // Older than RETENTION_DAYS: still stored (the aggregator has not pruned yet), never found.
      article('stale', 'run-1', { title: 'Bitcoin at a record', summary: 'An old story', published: ago(8 * 24) }),
    ]),
  );
  const { app } = await buildDashboard({ config, logger: silent });
  open.push(app);
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return { store, url: (p: string) => `${address}${p}` };
}

interface Hit extends TopicArticle {
  matches: { title: [number, number][]; summary: [number, number][] };
}
const cut = (text: string, ranges: [number, number][]) => ranges.map(([s, e]) => Array.from(text).slice(s, e).join(''));

describe('GET /api/search', () => {
  it('finds an article by a word of its summary and returns its text as given, with match offsets', async () => {
    const s = await serve();
    const res = await fetch(s.url('/api/search?q=outflows'));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { q: string; total: number; limit: number; articles: Hit[] };
    expect(body).toMatchObject({ q: 'outflows', total: 1, limit: 50 });
    const [hit] = body.articles;
    expect(hit).toMatchObject({ id: 'evil', title: EVIL_TITLE, summary: EVIL_SUMMARY, label: 'Crypto', score: 0.8 });
    expect(hit?.link).toBe('https://news.example/evil');
    expect(hit?.matches).toEqual({ title: [], summary: [[18, 26]] });
    expect(cut(EVIL_SUMMARY, hit?.matches.summary ?? [])).toEqual(['outflows']);
  });

  it('marks every term in title and summary, ANDs the words, and lists the newest first', async () => {
    const s = await serve();
    const both = (await (await fetch(s.url('/api/search?q=bitc'))).json()) as { total: number; articles: Hit[] };
    expect(both.total).toBe(2);
    expect(both.articles.map((a) => a.id)).toEqual(['miners', 'evil']);
    const evil = both.articles[1]!;
    expect(cut(evil.title, evil.matches.title)).toEqual(['Bitc']);
    expect(evil.matches.title).toEqual([[28, 32]]);

    const and = (await (await fetch(s.url('/api/search?q=BITCOIN%20script'))).json()) as { articles: Hit[] };
    expect(and.articles.map((a) => a.id)).toEqual(['evil']);
    expect(cut(EVIL_TITLE, and.articles[0]!.matches.title)).toEqual(['script', 'script', 'Bitcoin']);

    const limited = (await (await fetch(s.url('/api/search?q=bitcoin&limit=1'))).json()) as {
      total: number;
      articles: Hit[];
    };
    expect(limited.total).toBe(2);
    expect(limited.articles.map((a) => a.id)).toEqual(['miners']);
  });

  it('finds the articles of a run written after the index was built, and stays within RETENTION_DAYS', async () => {
    const s = await serve();
    expect((await (await fetch(s.url('/api/search?q=gold'))).json()).total).toBe(0);
    await s.store.writeRun(
      run('run-2', [article('gold', 'run-2', { title: 'Gold rallies', summary: 'Bullion demand', label: 'Other' })]),
    );
    const after = (await (await fetch(s.url('/api/search?q=gold'))).json()) as { articles: Hit[] };
    expect(after.articles.map((a) => [a.id, a.runId, a.label])).toEqual([['gold', 'run-2', 'Other']]);
    const record = (await (await fetch(s.url('/api/search?q=record'))).json()) as { articles: Hit[] };
    expect(record.articles.map((a) => a.id)).toEqual(['miners']);
    // A reclassify run writes an article again: it is found once, with its new topic.
    await s.store.writeRun(
      run('run-3', [
        article('oil', 'run-3', {
          title: 'Oil climbs',
          summary: 'OPEC cuts output',
          label: 'Economics',
          published: ago(3),
        }),
      ]),
    );
    const oil = (await (await fetch(s.url('/api/search?q=opec'))).json()) as { total: number; articles: Hit[] };
    expect(oil.total).toBe(1);
    expect(oil.articles.map((a) => [a.id, a.runId, a.label])).toEqual([['oil', 'run-3', 'Economics']]);
  });

  it('answers a clear 400 for a missing, empty, too long or sign-only query and a bad limit', async () => {
    const s = await serve();
    const refusal = async (query: string) => {
      const res = await fetch(s.url(`/api/search${query}`));
      return [res.status, ((await res.json()) as { message: string }).message];
    };
    expect(await refusal('')).toEqual([400, 'querystring/q is required: the words to search for']);
    expect(await refusal('?q=%20')).toEqual([400, 'querystring/q must not be empty']);
    expect(await refusal(`?q=${'a'.repeat(201)}`)).toEqual([400, 'querystring/q must be at most 200 characters']);
    expect(await refusal('?q=%26%26')).toEqual([400, 'querystring/q must contain a letter or a digit']);
    const [status, message] = await refusal('?q=oil&limit=500');
    expect(status).toBe(400);
    expect(message).toMatch(/^querystring\/limit /);
    expect((await refusal('?q=oil&limit=abc'))[0]).toBe(400);
    expect((await refusal('?q=oil&sort=old'))[0]).toBe(400);
  });

  it('sits behind the dashboard token like every other read', async () => {
    const token = 'search-test-token-0123456789';
    const s = await serve({ DASHBOARD_TOKEN: token });
    expect((await fetch(s.url('/api/search?q=oil'))).status).toBe(401);
    const page = await fetch(s.url('/?q=oil'), { headers: { accept: 'text/html' }, redirect: 'manual' });
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe('/login?next=%2F%3Fq%3Doil');
    const ok = await fetch(s.url('/api/search?q=oil'), { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { articles: Hit[] }).articles.map((a) => a.id)).toEqual(['oil']);
  });
});

describe('the page at /?q=', () => {
  it('shows the results with the text escaped and only <mark> around matches', async () => {
    const s = await serve();
    const res = await fetch(s.url('/?q=slides%20outflows'));
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('1 article match “slides outflows”.');
    expect(page).toContain(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Bitcoin &lt;b&gt;<mark>slides</mark>&lt;/b&gt;',
    );
    expect(page).toContain(
      'Crypto &lt;b&gt;ETF&lt;/b&gt; <mark>outflows</mark> &amp; &lt;img src=x onerror=&quot;alert(1)&quot;&gt; mount',
    );
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('<b>');
    expect(page).not.toContain('<img');
    expect(page).toContain('<input id="q" name="q" type="search" value="slides outflows"');
    // Search results take the topics' place.
    expect(page).not.toContain('class="topics"');
  });

  it('keeps the page for a refused query, with the reason and status 400', async () => {
    const s = await serve();
    const res = await fetch(s.url(`/?q=${'x'.repeat(300)}`));
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain('<span class="bad" id="search-error">querystring/q must be at most 200 characters</span>');
    expect(page).toContain('Run now');
  });
});
