/**
 * The place to return to after logging in: a path on this dashboard, never another site.
 * Browsers read "/\evil", "//evil" and "/<tab>/evil" as another host, so the value is
 * resolved the way a browser would and only its path, query and fragment are kept.
 */
export function localPath(next: unknown): string {
  if (typeof next !== 'string' || !next.startsWith('/')) return '/';
  const base = 'http://dashboard.invalid';
  let url: URL;
  try {
    url = new URL(next, base);
  } catch {
    return '/';
  }
  if (url.origin !== base) return '/';
  const path = `${url.pathname}${url.search}${url.hash}`;
  // "/.//evil" resolves to the path "//evil", which is again another host.
  return path.startsWith('//') || path.startsWith('/\\') ? '/' : path;
}
