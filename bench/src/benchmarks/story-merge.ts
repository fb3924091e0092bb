import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FIXTURES_DIR } from '@tidings/cli';
import { writeGeneratedFeed } from '@tidings/feed-fixtures';
import { readFeed, type StoryClaimResult, StoryClaims, storySignature } from '@tidings/loader';
import { createRedis } from '@tidings/runtime';
import { type Article, loadConfig } from '@tidings/shared';
import { QUICK, REPEATS } from '../bench-setup.js';
import { fmt, type Stat, stat } from '../measure.js';
import type { BenchReport } from '../report.js';

const config = loadConfig({});

async function read(file: string): Promise<Article[]> {
  const result = await readFeed(file, config.feeds);
  if (result.error) throw result.error;
  return result.articles;
}

/**
 * A second outlet's copies of every other generated story: the same facts with a quarter of
 * the summary's words dropped and the headline shortened, under another link and id.
 */
function rewordedCopies(originals: Article[]): { copy: Article; of: string }[] {
  return originals
    .filter((_, i) => i % 2 === 0)
    .map((a, i) => {
      const words = a.summary.split(' ');
      const copy = {
        ...a,
        id: `copy-${i}`,
        feed: 'https://copies.example/rss',
        link: `https://copies.example/${i}`,
        title: a.title.split(' ').slice(1).join(' '),
        summary: words.filter((_, w) => w % 4 !== 1).join(' '),
      };
      return { copy, of: a.id };
    });
}

interface Claimed {
  msPerArticle: Stat;
  result: StoryClaimResult<Article>;
  bytesPerArticle: number;
}

/** Claims `articles` for one run on a fresh prefix, REPEATS times: ms per article, the stories, and the index's memory. */
async function timeClaims(redis: ReturnType<typeof createRedis>, articles: Article[], tag: string): Promise<Claimed> {
  const times: number[] = [];
  let result: StoryClaimResult<Article> = { stories: [], copies: [] };
  let bytes = 0;
  for (let r = 0; r < REPEATS; r++) {
    const prefix = `bench-stories-${tag}-${r}`;
    const claims = new StoryClaims(redis, prefix, { ...config.stories, sourcesTtlDays: 30 });
    const started = performance.now();
    result = await claims.claim('bench-run', articles);
    times.push((performance.now() - started) / articles.length);
    const keys = await redis.keys(`${prefix}:story-*`);
    const sizes = await Promise.all(keys.map((k) => redis.memory('USAGE', k)));
    bytes = sizes.reduce<number>((sum, n) => sum + Number(n ?? 0), 0);
    if (keys.length > 0) await redis.del(...keys);
  }
  return { msPerArticle: stat(times), result, bytesPerArticle: bytes / articles.length };
}

/**
 * Story merging: what it costs per article (signature in the loader, claim in Redis), and the
 * classify jobs it saves, on the two fixture feeds and on a generated set large enough to
 * time. Needs Redis, not the model; `classifySeconds` (a classify's time, from row 1) turns
 * jobs saved into seconds saved.
 */
export async function storyMerge(report: BenchReport, redisUrl: string, classifySeconds?: number) {
  const redis = createRedis(redisUrl);
  try {
    const fixture = [
      ...(await read(path.join(FIXTURES_DIR, 'feeds/cnbc-finance.xml'))),
      ...(await read(path.join(FIXTURES_DIR, 'feeds/marketwire.xml'))),
    ];
    const small = await timeClaims(redis, fixture, 'fixture');
    const saved = small.result.copies.length;

    const n = QUICK ? 1000 : 5000;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-bench-stories-'));
    const originals = await read(writeGeneratedFeed(path.join(dir, 'feed.xml'), n));
    fs.rmSync(dir, { recursive: true, force: true });
    const copies = rewordedCopies(originals);
    const large = [...originals, ...copies.map((c) => c.copy)];
    const signing: number[] = [];
    for (let r = 0; r < REPEATS; r++) {
      const started = performance.now();
      for (const a of large) storySignature(a);
      signing.push((performance.now() - started) / large.length);
    }
    const big = await timeClaims(redis, large, 'generated');
    const originalOf = new Map(copies.map((c) => [c.copy.id, c.of]));
    const merged = big.result.copies.filter((c) => originalOf.get(c.article.id) === c.storyId).length;
    const wrongMerges = big.result.copies.length - merged;

    report.results.stories = {
      fixture: {
        articles: fixture.length,
        stories: small.result.stories.length,
        classifyJobsSaved: saved,
        msPerArticle: small.msPerArticle,
        classifySecondsSaved: classifySeconds === undefined ? null : saved * classifySeconds,
      },
      generated: {
        articles: large.length,
        copies: copies.length,
        stories: big.result.stories.length,
        copiesMerged: merged,
        wrongMerges,
        signatureMsPerArticle: stat(signing),
        claimMsPerArticle: big.msPerArticle,
        redisBytesPerArticle: big.bytesPerArticle,
      },
    };
    const secondsSaved =
      classifySeconds === undefined ? '' : ` = ${(saved * classifySeconds).toFixed(1)} s of classify at row 1's speed`;
    report.row(
      `8 story merge, two fixture feeds (${fixture.length} articles)`,
      `${fmt(small.msPerArticle)} ms/article`,
      `${small.result.stories.length} classify jobs`,
      `${saved} saved (${((saved / fixture.length) * 100).toFixed(0)}%)${secondsSaved}`,
    );
    report.row(
      `8 story merge, ${originals.length} stories + ${copies.length} reworded copies`,
      `${fmt(stat(signing))} ms signing + ${fmt(big.msPerArticle)} ms claim per article`,
      `${(big.bytesPerArticle / 1024).toFixed(1)} KB Redis/article`,
      `${merged}/${copies.length} copies merged, ${wrongMerges} wrongly`,
    );
  } finally {
    await redis.quit();
  }
}
