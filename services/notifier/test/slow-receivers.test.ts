import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DeliveryError } from '../src/errors/delivery-error.js';
import { ANSWER_BODY_BYTES, postWithDeadline } from '../src/post-with-deadline.js';
import { postBody } from '../src/send-webhook.js';

const body = JSON.stringify({ type: 'digest', runId: 'run-1', topics: [] });

/** What a receiver saw of one connection: the bytes it got out, and whether the notifier closed it. */
interface Connection {
  sent: number;
  closed: Promise<void>;
}

const servers: net.Server[] = [];
const sockets = new Set<net.Socket>();
/** Listens on loopback; every server and socket a test opened is gone after it. */
async function listen(server: net.Server): Promise<number> {
  servers.push(server);
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}
afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

/** A loopback receiver; `answer` writes to the raw socket, `connections` records each one. */
async function receiver(answer: (socket: net.Socket, connection: Connection) => void) {
  const connections: Connection[] = [];
  const server = net.createServer((socket) => {
    const connection: Connection = {
      sent: 0,
      closed: new Promise((resolve) => socket.on('close', () => resolve())),
    };
    connections.push(connection);
    socket.on('error', () => {});
    // The request is small; answer once its headers are in.
    socket.once('data', () => answer(socket, connection));
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}/hooks/secret-path-token`, connections };
}

/** Writes `text` one byte every `everyMs` until the socket closes. */
function trickle(socket: net.Socket, connection: Connection, text: string, everyMs: number): void {
  let at = 0;
  const timer = setInterval(() => {
    if (socket.destroyed) return clearInterval(timer);
    socket.write(text[at % text.length] ?? 'a');
    connection.sent++;
    at++;
  }, everyMs);
  socket.on('close', () => clearInterval(timer));
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (err: unknown) => err,
  );

describe('a receiver that stalls', () => {
  it('is cut off at the deadline while it trickles header bytes faster than any idle timeout, naming it and the deadline', async () => {
    const hook = await receiver((socket, connection) => {
      socket.write('HTTP/1.1 200 OK\r\nX-Slow: ');
      trickle(socket, connection, 'abcdefgh', 200);
    });
    const error = await failure(postBody(hook.url, body, { deadlineMs: 1000 }));
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ retryable: true, status: undefined });
    const message = (error as Error).message;
    expect(message).toContain(new URL(hook.url).host);
    expect(message).toContain('no answer within the 1000 ms deadline');
    // The path may be the webhook's secret: the error shows the origin only.
    expect(message).not.toContain('secret-path-token');
    const [connection] = hook.connections;
    await connection?.closed;
    // Bytes kept coming while the attempt lasted: no idle gap ended it, the deadline did.
    expect(connection?.sent).toBeGreaterThanOrEqual(3);
  });

  it.each([
    [200, 'delivered'],
    [503, 'failed, to be retried'],
  ])('that answers %i and never ends its body leaves no socket open: %s at the deadline', async (status) => {
    const hook = await receiver((socket, connection) => {
      socket.write(`HTTP/1.1 ${status} Whatever\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n`);
      socket.write('5\r\nbusy \r\n');
      trickle(socket, connection, '1\r\nz\r\n', 100);
    });
    const outcome = await postBody(hook.url, body, { deadlineMs: 1000 }).then(
      (answered) => answered,
      (err: unknown) => err,
    );
    if (status === 200) expect(outcome).toBe(200);
    else expect(outcome).toMatchObject({ status: 503, retryable: true, message: expect.stringContaining('"busy z') });
    await hook.connections[0]?.closed;
    expect(hook.connections).toHaveLength(1);
  });
});

/** A receiver that answers 400 with a 32 MiB body, written as fast as the socket takes it. */
async function flood() {
  const size = 32 * 1024 * 1024;
  const answers: { written: number; finished: boolean; closed: Promise<void> }[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    const answer = {
      written: 0,
      finished: false,
      closed: new Promise<void>((resolve) => res.on('close', () => resolve())),
    };
    answers.push(answer);
    res.on('finish', () => (answer.finished = true));
    res.writeHead(400, { 'content-type': 'text/plain', 'content-length': size });
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const pump = () => {
      while (answer.written < size && !res.destroyed) {
        answer.written += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  });
  return { url: `http://127.0.0.1:${await listen(server)}/flood`, size, answers };
}

describe('a receiver that answers a flood', () => {
  it('is read no further than the cap, and its socket is closed before it has written it all', async () => {
    const hook = await flood();
    const answer = await postWithDeadline(hook.url, body, { headers: { 'content-type': 'application/json' } });
    expect(answer.status).toBe(400);
    expect(answer.body).toHaveLength(ANSWER_BODY_BYTES);
    const [sent] = hook.answers;
    await sent?.closed;
    expect(sent?.finished).toBe(false);
    expect(sent?.written).toBeLessThan(hook.size);
  });

  it('quotes one short line of a refusal in the error, never the flood', async () => {
    const hook = await flood();
    const error = await failure(postBody(hook.url, body));
    expect(error).toMatchObject({ status: 400, retryable: false });
    expect((error as Error).message).toMatch(/answered HTTP 400 \("x{120}"\)$/);
    const [sent] = hook.answers;
    await sent?.closed;
    expect(sent?.finished).toBe(false);
  });
});
