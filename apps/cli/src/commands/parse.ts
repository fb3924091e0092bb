import { inspectFeed, readFeed } from '@tidings/loader';
import { loadConfig } from '@tidings/shared';

/**
 * Each feed in turn, in this one process. Without --json: the articles as JSON lines and a
 * summary per feed on stderr. With --json: one JSON object per feed with every item as it
 * would be stored, or why it would be dropped, or the feed's error. Exits 1 if any feed failed.
 */
export async function parseCommand(feeds: string[], options: { json: boolean }): Promise<number> {
  const config = loadConfig().feeds;
  let failed = false;
  for (const feed of feeds) {
    if (options.json) {
      const inspected = await inspectFeed(feed, config);
      failed ||= 'error' in inspected;
      process.stdout.write(`${JSON.stringify(inspected)}\n`);
      continue;
    }
    const { report, articles } = await readFeed(feed, config);
    if (report.error) {
      process.stderr.write(`tidings parse: ${report.error.code}: ${report.error.message}\n`);
      failed = true;
      continue;
    }
    for (const article of articles) process.stdout.write(`${JSON.stringify(article)}\n`);
    const dropped = Object.entries(report.dropped)
      .filter(([, n]) => n > 0)
      .map(([why, n]) => `${n} ${why}`)
      .join(', ');
    const warned = report.warnings?.length ? `; read past ${report.warnings.join('; ')}` : '';
    process.stderr.write(`${report.fetched} items: kept ${report.kept}; dropped ${dropped || 'none'}${warned}\n`);
  }
  return failed ? 1 : 0;
}
