import path from 'node:path';
import { createLogger } from '@tidings/runtime';
import { FEED_FORMATS, isFeedExtension } from '@tidings/shared';
import { SubscriptionStore } from '@tidings/subscriptions';
import { buildRun, buildTopicArticle, ROOT, testConfig, testRedis } from '@tidings/testing';
import { TopicStoreWriter } from '@tidings/topic-store';
import Parser from 'rss-parser';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDashboard } from '../src/index.js';

const redis = testRedis();
afterAll(() => redis.quit());

describe('feed URLs of every format, the current and the former', () => {
  it('serve each extension as its format, naming itself by the URL fetched; an unknown extension is 404', async () => {
    const config = testConfig();
    await new TopicStoreWriter(redis, config.prefix).writeRun(
      buildRun({
        articles: [buildTopicArticle({ id: 'btc1', label: 'Crypto', published: '2026-11-24T09:00:00.000Z' })],
      }),
    );
    const sub = await new SubscriptionStore(redis, config.prefix, { labels: config.zeroShot.labels }).create({
      name: 'Ann',
      topics: ['Crypto'],
    });
    const { app } = await buildDashboard({ config, logger: createLogger('feed-formats-test', { level: 'silent' }) });
    try {
      const address = await app.listen({ host: '127.0.0.1', port: 0 });
      for (const base of ['/feeds/crypto', `/feeds/s/${sub.feedKey}`]) {
        for (const extension of ['atom', 'xml']) {
          const res = await fetch(`${address}${base}.${extension}`);
          expect(res.status, `${base}.${extension}`).toBe(200);
          expect(res.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
          const body = await res.text();
          expect(body).toContain(
            `<link rel="self" type="application/atom+xml" href="${address}${base}.${extension}"/>`,
          );
          expect((await new Parser().parseString(body)).items.map((i) => i.id)).toEqual(['urn:tidings:article:btc1']);
        }
        const json = await fetch(`${address}${base}.json`);
        expect(json.headers.get('content-type')).toBe('application/feed+json; charset=utf-8');
        const feed = await json.json();
        expect(feed.feed_url).toBe(`${address}${base}.json`);
        expect(feed.items.map((i: { id: string }) => i.id)).toEqual(['urn:tidings:article:btc1']);
        for (const unknown of ['rss', 'XML', 'atom.xml', 'html']) {
          expect((await fetch(`${address}${base}.${unknown}`)).status, `${base}.${unknown}`).toBe(404);
        }
      }
    } finally {
      await app.close();
    }
  });

  it('are named once: every current and former extension belongs to exactly one format', () => {
    const all = Object.values(FEED_FORMATS).flatMap((f) => [f.extension, ...f.formerExtensions]);
    expect(new Set(all).size).toBe(all.length);
    expect(all.every(isFeedExtension)).toBe(true);
  });
});

/**
 * Type-checks the dashboard's feed route, and every source it imports, with the format table
 * changed in memory: a third row must fail to compile until the renderer record has it, and
 * then compile with no route touched. Returns the errors, each as "file: message".
 */
function compileWithThirdFormat(renderer: boolean): string[] {
  const formats = path.join(ROOT, 'packages/shared/src/feed-formats.ts');
  const renderers = path.join(ROOT, 'services/dashboard/src/render/feeds.ts');
  const route = path.join(ROOT, 'services/dashboard/src/fastify/routes/feeds.ts');
  const parsed = ts.getParsedCommandLineOfConfigFile(
    path.join(ROOT, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: () => {},
    },
  );
  if (!parsed) throw new Error('tsconfig.json cannot be read');
  const edits: Record<string, (text: string) => string> = {
    [formats]: (text) =>
      text.replace(
        '} as const satisfies',
        "  rss: { extension: 'rss', formerExtensions: [], mediaType: 'application/rss+xml', title: 'RSS' },\n} as const satisfies",
      ),
    ...(renderer
      ? {
          [renderers]: (text: string) =>
            text.replace('  json: renderJsonFeed,', '  json: renderJsonFeed,\n  rss: renderAtom,'),
        }
      : {}),
  };
  const host = ts.createCompilerHost(parsed.options);
  const readFile = host.readFile.bind(host);
  host.readFile = (file) => {
    const text = readFile(file);
    const edit = edits[path.resolve(file)];
    if (text !== undefined && edit) {
      const edited = edit(text);
      if (edited === text) throw new Error(`the in-memory edit of ${file} no longer applies: update this test`);
      return edited;
    }
    return text;
  };
  const program = ts.createProgram({ rootNames: [route], options: parsed.options, host });
  // Every source the route's program holds (the dashboard's and the packages' it imports).
  return program
    .getSourceFiles()
    .filter((file) => !file.isDeclarationFile && !file.fileName.includes('/node_modules/'))
    .flatMap((file) =>
      program
        .getSemanticDiagnostics(file)
        .map((d) => `${path.relative(ROOT, file.fileName)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`),
    );
}

// Type-checking the dashboard twice takes seconds, and more on a busy machine.
describe('a third feed format', { timeout: 180_000 }, () => {
  it('does not compile without its renderer, and names the format missing', () => {
    const errors = compileWithThirdFormat(false);
    expect(errors.join('\n')).toMatch(/services\/dashboard\/src\/render\/feeds\.ts: Property 'rss' is missing/);
  });

  it('compiles with its renderer alone: no route names a format', () => {
    expect(compileWithThirdFormat(true)).toEqual([]);
  });
});
