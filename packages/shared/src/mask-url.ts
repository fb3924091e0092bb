/**
 * A URL as it may be shown (logs, run reports, snapshots, `tidings config`): user and password
 * replaced, and every query value too, since feed publishers put API keys and tokens in the
 * query under any name. Anything that is not an absolute URL (a local path) is shown as is.
 */
export function maskFeedUrl(feed: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(feed)) return feed;
  let url: URL;
  try {
    url = new URL(feed);
  } catch {
    return '(unparseable URL)';
  }
  if (url.username) url.username = '****';
  if (url.password) url.password = '****';
  for (const name of new Set(url.searchParams.keys())) url.searchParams.set(name, '****');
  return url.toString();
}

/** Query parameters whose values are credentials often enough to hide them wherever a URL is shown. */
const SECRET_PARAM = /token|key|secret|pass|auth|sig|session|credential/i;

/**
 * A URL with its credentials replaced, safe for logs and pages: the password (or a user name
 * that stands alone, which is how tokens ride in URLs) and token-like query values.
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '****';
    else if (u.username) u.username = '****';
    for (const name of new Set(u.searchParams.keys())) {
      if (SECRET_PARAM.test(name)) u.searchParams.set(name, '****');
    }
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/**
 * A URL whose path or query may be the secret itself (Slack and other webhook URLs): only its
 * origin is shown, safe for logs, pages and command output.
 */
export function redactSecretUrl(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname === '/' && !u.search ? u.origin : `${u.origin}/…`;
  } catch {
    return '(unparseable URL)';
  }
}

/** A feed key (FEED_KEY_PATTERN) wherever it sits in a path: `/s/<key>`, `/feeds/s/<key>.xml`, `/unsubscribe/<key>`. */
const FEED_KEY_IN_PATH = /(^|\/)[a-f0-9]{32}(?=$|[./?#])/gi;

/**
 * A request's path and query as a log line may show it: feed keys in the path and token-like
 * query values replaced. Feed keys are capabilities (whoever has one reads that feed and can
 * unsubscribe its owner), so they never reach a log.
 */
export function redactRequestPath(path: string): string {
  const queryAt = path.indexOf('?');
  const pathname = (queryAt < 0 ? path : path.slice(0, queryAt)).replace(FEED_KEY_IN_PATH, '$1****');
  if (queryAt < 0) return pathname;
  const query = new URLSearchParams(path.slice(queryAt + 1));
  for (const name of new Set(query.keys())) if (SECRET_PARAM.test(name)) query.set(name, '****');
  return `${pathname}?${query.toString()}`;
}
