import fs from 'node:fs';
import { topicFeedsOpml } from '@tidings/dashboard';
import { FeedList, formatOpml, parseOpml } from '@tidings/feed-list';
import { dashboardBaseUrl, loadConfig } from '@tidings/shared';
import { UsageError } from '../errors/usage-error.js';
import { withStackConnection } from '../stack-connection.js';

const USAGE = 'try: tidings feeds list | add <url> | remove <url> | import <file.opml> | export [topics]';

/** `tidings feeds …`: the feeds every run reads beside FEED_URLS, moved in from a reader's OPML in one step. */
export async function feedsCommand(action: string | undefined, args: string[]): Promise<number> {
  const config = loadConfig();
  // What tidings publishes, for a reader: every topic feed (with the key a token needs), no Redis involved.
  if (action === 'export' && args[0] === 'topics') {
    const { token } = config.dashboard;
    process.stdout.write(topicFeedsOpml({ baseUrl: dashboardBaseUrl(config), token, labels: config.zeroShot.labels }));
    return 0;
  }
  if (action === 'import' && !args[0]) throw new UsageError(`feeds import needs an OPML file; ${USAGE}`);
  const opml = action === 'import' ? fs.readFileSync(args[0] ?? '', 'utf8') : undefined;
  return withStackConnection(config, async ({ redis }) => {
    const list = new FeedList(redis, config.prefix);
    switch (action) {
      case 'list': {
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
      }
      case 'add': {
        const url = args[0];
        if (!url || !/^https?:\/\/\S+$/i.test(url))
          throw new UsageError(`feeds add needs an http(s) feed URL; ${USAGE}`);
        const added = await list.add([{ url }]);
        process.stderr.write(added ? `added ${url}\n` : `${url} was already listed\n`);
        return 0;
      }
      case 'remove': {
        const url = args[0];
        if (!url) throw new UsageError(`feeds remove needs a feed URL; ${USAGE}`);
        if (!(await list.remove(url))) {
          process.stderr.write(`tidings: '${url}' is not listed\n`);
          return 1;
        }
        process.stderr.write(`removed ${url}\n`);
        return 0;
      }
      case 'import': {
        let feeds: ReturnType<typeof parseOpml>;
        try {
          feeds = parseOpml(opml ?? '');
        } catch (err) {
          throw new UsageError(`${args[0]}: ${(err as Error).message}`);
        }
        const added = await list.add(feeds);
        process.stderr.write(
          `${args[0]}: ${feeds.length} feed(s), ${added} new, ${feeds.length - added} already listed\n`,
        );
        return 0;
      }
      case 'export': {
        const listed = await list.list();
        process.stdout.write(formatOpml(listed.map(({ url, title }) => (title ? { url, title } : { url }))));
        return 0;
      }
      default:
        throw new UsageError(`unknown feeds command '${action ?? ''}'; ${USAGE}`);
    }
  });
}
