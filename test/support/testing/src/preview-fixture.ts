import type { Run } from '@tidings/shared';
import { buildRun, buildTopicArticle } from './fixtures.js';

/** Crypto stories the tiny model says are about "blockchain tokens" (each scores above 0.8). */
const CRYPTO = [
  ['Bitcoin slides below $80,000 as crypto ETF outflows mount', 'Investors pulled money from bitcoin funds.'],
  ['Ether jumps as crypto traders pile into blockchain tokens', 'Bitcoin and other tokens rallied.'],
  ['Crypto exchange lists new bitcoin tokens', 'Trading in the tokens opens on Monday.'],
] as const;

/** Stories the tiny model does not relate to "blockchain tokens". */
const OTHER = [
  ['Fintech lender prices IPO above range', 'The company is valued at $9 billion ahead of its Nasdaq debut.'],
  ['Oil jumps 3% after OPEC+ delays output', 'Brent crude rose on the news.'],
  ['Fed holds rates steady', 'The central bank kept its benchmark rate unchanged.'],
] as const;

const HOUR = 3_600_000;
/** When the newest preview fixture article was published: the window ends here, not now. */
export const PREVIEW_FIXTURE_NEWEST = '2026-11-24T12:00:00.000Z';

/**
 * A stored run for previews of an own topic: three crypto stories and three others in the
 * last day, the crypto ones newest first an hour apart, and one crypto story 30 days older
 * than the rest, outside any BACKFILL_DAYS window a test sets.
 */
export function buildPreviewFixtureRun(): Run {
  const newest = Date.parse(PREVIEW_FIXTURE_NEWEST);
  const at = (hoursBefore: number) => new Date(newest - hoursBefore * HOUR).toISOString();
  const articles = [
    ...CRYPTO.map(([title, summary], i) =>
      buildTopicArticle({ id: `pv-crypto${i}`, label: 'Crypto', title, summary, published: at(i) }),
    ),
    ...OTHER.map(([title, summary], i) =>
      buildTopicArticle({ id: `pv-other${i}`, label: 'Other', title, summary, published: at(3 + i) }),
    ),
    buildTopicArticle({
      id: 'pv-old',
      label: 'Crypto',
      title: 'Bitcoin tokens crash in old news',
      summary: 'Crypto holders sold blockchain tokens.',
      published: at(30 * 24),
    }),
  ];
  return buildRun({ id: 'preview-run', articles, startedAt: at(-1) });
}
