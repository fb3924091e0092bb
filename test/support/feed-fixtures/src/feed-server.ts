import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type FeedHandler = (req: http.IncomingMessage, res: http.ServerResponse, hit: number) => void;

export interface FeedServerOptions {
  /**
   * The loopback address to listen on. Linux routes all of 127.0.0.0/8 to lo, so servers on
   * 127.0.0.2, 127.0.0.3, … are different hosts to a client that keeps per-host limits.
   */
  host?: string;
}

/** A real HTTP server on loopback (127.0.0.1 unless told) whose routes tests script; counts hits per path. */
export async function startFeedServer(
  routes: Record<string, FeedHandler>,
  { host = '127.0.0.1' }: FeedServerOptions = {},
) {
  const hits = new Map<string, number>();
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const hit = (hits.get(path) ?? 0) + 1;
    hits.set(path, hit);
    const route = routes[path];
    if (!route) {
      res.writeHead(404).end('not found');
      return;
    }
    route(req, res, hit);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path: string) => `http://${host}:${port}${path}`,
    hits: (path: string) => hits.get(path) ?? 0,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
