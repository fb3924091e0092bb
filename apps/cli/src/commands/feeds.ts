import fs from 'node:fs';
import { topicFeedsOpml } from '@tidings/dashboard';
import { FeedList, formatOpml, type OpmlFeed, parseOpml } from '@tidings/feed-list';
import { privateHostReason } from '@tidings/runtime';
import { type Config, dashboardBaseUrl, keySpaceOf, loadConfig, maskFeedUrl } from '@tidings/shared';
import { UsageError } from '../errors/usage-error.js';
import { withStackConnection } from '../stack-connection.js';

export type FeedsAction =
  | { action: 'list' }
  | { action: 'add'; url: string }
  | { action: 'remove'; url: string }
  | { action: 'import'; file: string }
  | { action: 'export'; topicFeeds: boolean };

/** An OPML file read before any connection, so an unreadable one changes nothing. */
function readOpml(file: string): ReturnType<typeof parseOpml> {
  try {
    return parseOpml(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`${file}: ${(err as Error).message}`, { usage: 'tidings feeds import <file.opml>' });
  }
}

/**
 * Why a feed may not be listed: every run reads listed feeds as the operator's own, private
 * addresses included, so one from an OPML file (or typed by hand) must not name this host or
 * a private network unless FEED_ALLOW_PRIVATE trusts them all. Judged by the host as written;
 * a name that resolves to such an address is refused by the loader when it connects.
 */
function refusal(config: Config, url: string): string | undefined {
  const reason = config.feeds.allowPrivate ? undefined : privateHostReason(url);
  return reason && `refused ${maskFeedUrl(url)}: its host ${reason}`;
}

const REFUSAL_FIX = 'name it in FEED_URLS, or set FEED_ALLOW_PRIVATE=true where every such address is trusted';

/** `tidings feeds …`: the feeds every run reads beside FEED_URLS, moved in from a reader's OPML in one step. */
export async function feedsCommand(command: FeedsAction): Promise<number> {
  const config = loadConfig();
  const withFeedList = (fn: (list: FeedList) => Promise<number>) =>
    withStackConnection(config, ({ redis }) => fn(new FeedList(redis, keySpaceOf(config))));
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
    case 'add': {
      const refused = refusal(config, command.url);
      if (refused) {
        process.stderr.write(`tidings: ${refused}; ${REFUSAL_FIX}\n`);
        return 1;
      }
      return withFeedList(async (list) => {
        const added = await list.add([{ url: command.url }]);
        process.stderr.write(added ? `added ${command.url}\n` : `${command.url} was already listed\n`);
        return 0;
      });
    }
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
      const feeds: OpmlFeed[] = [];
      const refused: string[] = [];
      for (const feed of readOpml(command.file)) {
        const why = refusal(config, feed.url);
        if (why) refused.push(why);
        else feeds.push(feed);
      }
      for (const why of refused) process.stderr.write(`${command.file}: ${why}\n`);
      return withFeedList(async (list) => {
        const added = await list.add(feeds);
        const total = feeds.length + refused.length;
        const counts = `${total} feed(s), ${added} new, ${feeds.length - added} already listed`;
        if (refused.length === 0) {
          process.stderr.write(`${command.file}: ${counts}\n`);
          return 0;
        }
        process.stderr.write(`${command.file}: ${counts}, ${refused.length} refused (${REFUSAL_FIX})\n`);
        return 1;
      });
    }
    case 'export':
      // What tidings publishes, for a reader: every topic feed (with the key a token needs), no Redis involved.
      if (command.topicFeeds) {
        const { token } = config.dashboard;
        process.stdout.write(
          topicFeedsOpml({ baseUrl: dashboardBaseUrl(config), token, labels: config.zeroShot.labels }),
        );
        return 0;
      }
      return withFeedList(async (list) => {
        const listed = await list.list();
        process.stdout.write(formatOpml(listed.map(({ url, title }) => (title ? { url, title } : { url }))));
        return 0;
      });
  }
}
