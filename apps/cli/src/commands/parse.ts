import { readFeed } from '@tidings/loader';
import { loadConfig } from '@tidings/shared';

export async function parseCommand(feed: string): Promise<number> {
  const { report, articles } = await readFeed(feed, loadConfig().feeds);
  if (report.error) {
    process.stderr.write(`tidings parse: ${report.error.code}: ${report.error.message}\n`);
    return 1;
  }
  for (const article of articles) process.stdout.write(`${JSON.stringify(article)}\n`);
  const dropped = Object.entries(report.dropped)
    .filter(([, n]) => n > 0)
    .map(([why, n]) => `${n} ${why}`)
    .join(', ');
  process.stderr.write(`${report.fetched} items: kept ${report.kept}; dropped ${dropped || 'none'}\n`);
  return 0;
}
