import { isIP } from 'node:net';
import type { Config } from '@tidings/shared';
import { type ApiResult, type ErrorBody, refuse } from '../api/result.js';

/**
 * Which names this dashboard answers to, and which pages may change things. Two attacks are
 * stopped here, before any route runs:
 * - DNS rebinding: a web page whose own host name later resolves to 127.0.0.1 reads the
 *   dashboard as "same origin". Its requests carry that foreign name in Host, so only the
 *   names the operator chose are answered (421 otherwise), whatever the port.
 * - Cross-site writes: any page in the operator's browser can post a form to a loopback
 *   port, and a sandboxed iframe does so with `Origin: null`. Browsers label every write with
 *   Origin and Sec-Fetch-Site, so a write must come from one of the dashboard's own origins.
 */
export class OriginPolicy {
  private readonly hostnames: Set<string>;
  private readonly publicOrigin: string | undefined;

  constructor(dashboard: Pick<Config['dashboard'], 'host' | 'publicUrl'>) {
    this.hostnames = new Set([normalise(dashboard.host)]);
    if (dashboard.publicUrl) {
      const url = new URL(dashboard.publicUrl);
      this.hostnames.add(normalise(url.hostname));
      this.publicOrigin = url.origin;
    }
  }

  /** Loopback names, DASHBOARD_HOST and DASHBOARD_PUBLIC_URL's host; the port is not part of a name. */
  allowsHostname(hostname: string): boolean {
    const name = normalise(hostname);
    return isLoopbackHost(name) || this.hostnames.has(name);
  }

  /** 421 when the Host header names someone else (or is missing or malformed). */
  checkHost(hostHeader: string | undefined): ApiResult<ErrorBody> | undefined {
    const hostname = hostHeader ? hostnameOf(hostHeader) : undefined;
    if (hostname !== undefined && this.allowsHostname(hostname)) return undefined;
    return refuse(
      421,
      'TIDINGS_DASHBOARD_HOST_NOT_ALLOWED',
      'this dashboard does not answer to that host name; use localhost, DASHBOARD_HOST or DASHBOARD_PUBLIC_URL',
    );
  }

  /**
   * 403 unless a write comes from the dashboard's own page. `localPort` is the port the
   * request arrived on: a page on another loopback port is another program's origin.
   * Requests without Origin and Sec-Fetch-Site come from programs, not browsers, and are
   * left to the token.
   */
  checkWrite(headers: {
    origin: string | undefined;
    secFetchSite: string | undefined;
    localPort: number;
  }): ApiResult<ErrorBody> | undefined {
    const { origin, secFetchSite } = headers;
    const crossSite = secFetchSite !== undefined && secFetchSite !== 'same-origin' && secFetchSite !== 'none';
    if (!crossSite && (origin === undefined || this.isOwnOrigin(origin, headers.localPort))) return undefined;
    return refuse(
      403,
      'TIDINGS_DASHBOARD_CROSS_ORIGIN',
      'requests from other sites (or sandboxed frames) cannot change anything; use the dashboard page itself or the API without a browser',
    );
  }

  private isOwnOrigin(origin: string, localPort: number): boolean {
    if (origin === this.publicOrigin) return true;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false; // 'null' and anything else that is not an origin
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
    return port === localPort && this.allowsHostname(url.hostname);
  }
}

export function isLoopbackHost(host: string): boolean {
  const h = normalise(host);
  return h === 'localhost' || h === '::1' || (isIP(h) === 4 && h.startsWith('127.'));
}

function normalise(host: string): string {
  return host
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
}

/** The host name of a Host header ("name:port", "[v6]:port"), or undefined when it is not one. */
function hostnameOf(hostHeader: string): string | undefined {
  // Nothing but a name or an address and a port: "a@127.0.0.1" must not parse as loopback.
  if (!/^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?$/.test(hostHeader)) return undefined;
  try {
    return new URL(`http://${hostHeader}/`).hostname;
  } catch {
    return undefined;
  }
}
