import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root: where `pnpm tidings` runs and the fixtures live. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const FIXTURES_DIR = path.join(ROOT, 'fixtures');
/** The offline demo's feed: written for this project in the shape of CNBC's Finance feed. */
export const DEMO_FEED = path.join(FIXTURES_DIR, 'feeds/cnbc-finance.xml');
/** The demo's second outlet: overlaps DEMO_FEED's stories in other words, so the demo shows stories merged. */
export const DEMO_SECOND_FEED = path.join(FIXTURES_DIR, 'feeds/marketwire.xml');
export const DEMO_FEEDS = [DEMO_FEED, DEMO_SECOND_FEED];
