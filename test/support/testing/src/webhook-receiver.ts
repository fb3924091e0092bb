import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a receiver got, with the status it answered. */
export interface ReceivedRequest {
  path: string;
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface ReceiverAnswer {
  status: number;
  headers?: Record<string, string>;
}

/**
 * A real HTTP server on 127.0.0.1 standing in for webhook receivers and WebSub hubs: it keeps
 * every request and answers as `answer` says for its path, given the requests before it.
 */
export async function startWebhookReceiver(
  answer: (path: string, earlier: readonly ReceivedRequest[]) => ReceiverAnswer = () => ({ status: 200 }),
) {
  const hits: ReceivedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const { status, headers = {} } = answer(path, hits);
      const received = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      hits.push({ path, status, headers: received, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(status, headers).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, hits, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
