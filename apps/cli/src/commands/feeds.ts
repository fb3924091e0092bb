import fs from 'node:fs';
import { FeedList, formatOpml, parseOpml } from '@tidings/feed-list';
import { loadConfig } from '@tidings/shared';
import { UsageError } from '../errors/usage-error.js';
import { withStackConnection } from '../stack-connection.js';

export type FeedsAction =
  | { action: 'list' }
  | { action: 'add'; url: string }
  | { action: 'remove'; url: string }
  | { action: 'import'; file: string }
  | { action: 'export' };

/** An OPML file read before any connection, so an unreadable one changes nothing. */
function readOpml(file: string): ReturnType<typeof parseOpml> {
  try {
    return parseOpml(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`${file}: ${(err as Error).message}`, { usage: 'tidings feeds import <file.opml>' });
  }
}

/** `tidings feeds …`: the feeds every run reads beside FEED_URLS, moved in from a reader's OPML in one step. */
export async function feedsCommand(command: FeedsAction): Promise<number> {
  const config = loadConfig();
  const withFeedList = (fn: (list: FeedList) => Promise<number>) =>
    withStackConnection(config, ({ redis }) => fn(new FeedList(redis, config.prefix)));
  switch (command.action) {
    case 'list':
      return withFeedList(async (list) => {
        const listed = await list.list();
        for (const f of listed) {
          const last = f.last
            ? `${f.last.status} at ${f.last.at}${f.last.error ? `: ${f.last.error}` : ''}`
            : 'not read yet';
          process.stdout.write(`${f.url}\t${f.title ?? ''}\t${last}\n`);
        }
        process.stderr.write(
          `${listed.length} feed(s) listed; every run also reads FEED_URLS (${config.feeds.urls.length})\n`,
        );
        return 0;
      });
    case 'add':
      return withFeedList(async (list) => {
        const added = await list.add([{ url: command.url }]);
        process.stderr.write(added ? `added ${command.url}\n` : `${command.url} was already listed\n`);
        return 0;
      });
    case 'remove':
      return withFeedList(async (list) => {
        if (!(await list.remove(command.url))) {
          process.stderr.write(`tidings: '${command.url}' is not listed\n`);
          return 1;
        }
        process.stderr.write(`removed ${command.url}\n`);
        return 0;
      });
    case 'import': {
      const feeds = readOpml(command.file);
      return withFeedList(async (list) => {
        const added = await list.add(feeds);
        process.stderr.write(
          `${command.file}: ${feeds.length} feed(s), ${added} new, ${feeds.length - added} already listed\n`,
        );
        return 0;
      });
    }
    case 'export':
      return withFeedList(async (list) => {
        const listed = await list.list();
        process.stdout.write(formatOpml(listed.map(({ url, title }) => (title ? { url, title } : { url }))));
        return 0;
      });
  }
}
