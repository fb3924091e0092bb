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

/** A URL with its password replaced, safe for logs and pages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '****';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}
