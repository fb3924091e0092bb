/**
 * One `; name=value` parameter after the media type: a quoted-string (which may hold `;`), a
 * single-quoted value or a bare one. Servers put spaces around `=`, which RFC 9110 does not
 * allow but every reader accepts.
 */
const PARAMETER = /;\s*([^\s;=]+)\s*(?:=\s*("(?:[^"\\]|\\.)*"|'[^']*'|[^;]*))?/g;

function unquote(value: string): string {
  if (value.startsWith('"')) return value.slice(1, -1).replace(/\\(.)/g, '$1');
  if (value.startsWith("'")) return value.slice(1, -1);
  return value;
}

/** The charset parameter of an HTTP Content-Type, as written; the first one wins, as in WHATWG's MIME parser. */
export function charsetParameter(contentType: string | null | undefined): string | undefined {
  for (const [, name, value] of (contentType ?? '').matchAll(PARAMETER)) {
    if (name?.toLowerCase() !== 'charset') continue;
    const charset = unquote(value?.trim() ?? '').trim();
    if (charset) return charset;
  }
  return undefined;
}
