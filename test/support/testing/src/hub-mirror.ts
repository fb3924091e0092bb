import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface HubMirrorOptions {
  /** The first request for this file gets half of it, then the connection is cut. */
  cutOnce?: string;
  /** The first request for this file gets half of it, then nothing, on a connection left open. */
  stallOnce?: string;
  /** Every file is sent in this many pieces, this far apart, so concurrent downloads overlap. */
  pieces?: number;
  pieceDelayMs?: number;
}

/**
 * A real HTTP server on 127.0.0.1 with the Hugging Face hub's URL layout,
 * `/{owner}/{name}/resolve/{revision}/{file}`, serving local model folders and counting
 * the requests for each `{model}/{file}`.
 */
export async function startHubMirror(models: Record<string, string>, options: HubMirrorOptions = {}) {
  const requests = new Map<string, number>();
  let cut = false;
  let stalled = false;
  const server = http.createServer(async (req, res) => {
    const match = /^\/([\w.-]+\/[\w.-]+)\/resolve\/([\w.-]+)\/(.+)$/.exec(decodeURI(req.url ?? ''));
    const dir = match ? models[match[1] ?? ''] : undefined;
    const file = match?.[3] ?? '';
    const full = dir ? path.join(dir, file) : '';
    if (!match || !dir || file.includes('..') || !fs.existsSync(full)) {
      res.writeHead(404).end('Entry not found');
      return;
    }
    const key = `${match[1]}/${file}`;
    requests.set(key, (requests.get(key) ?? 0) + 1);
    const body = fs.readFileSync(full);
    res.writeHead(200, { 'content-length': body.byteLength, 'content-type': 'application/octet-stream' });
    if (options.stallOnce === file && !stalled) {
      stalled = true;
      res.write(body.subarray(0, Math.floor(body.byteLength / 2)));
      return;
    }
    if (options.cutOnce === file && !cut) {
      cut = true;
      res.write(body.subarray(0, Math.floor(body.byteLength / 2)), () => res.socket?.destroy());
      return;
    }
    const pieces = options.pieces ?? 1;
    const size = Math.ceil(body.byteLength / pieces);
    for (let at = 0; at < body.byteLength; at += size) {
      res.write(body.subarray(at, at + size));
      if (options.pieceDelayMs) await new Promise((r) => setTimeout(r, options.pieceDelayMs));
    }
    res.end();
  });
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    /** Requests per `{model}/{file}`. */
    requests: () => Object.fromEntries(requests),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
