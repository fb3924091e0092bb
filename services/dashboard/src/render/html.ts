/** Text made safe for HTML element content and quoted attribute values. */
function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const SAFE = Symbol('safe-html');
export interface SafeHtml {
  [SAFE]: true;
  value: string;
}

export function raw(value: string): SafeHtml {
  return { [SAFE]: true, value };
}

function render(part: unknown): string {
  if (Array.isArray(part)) return part.map(render).join('');
  if (part && typeof part === 'object' && SAFE in part) return (part as SafeHtml).value;
  if (part === undefined || part === null || part === false) return '';
  return escapeHtml(part);
}

/** Template tag that escapes every interpolated value unless it is already SafeHtml: feed text can never become markup. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return raw(out);
}

/** Only http(s) links are rendered as links; anything else (javascript:, data:) is not followed. */
export function safeHref(link: string): string | undefined {
  try {
    const url = new URL(link);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}
