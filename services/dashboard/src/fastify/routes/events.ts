import type { FastifyInstance } from 'fastify';
import type { EventStream, RunEvents } from '../../api/run-events.js';
import { sendResult } from '../reply.js';

/** Server-sent events: each "run finished" notice, to every open page, up to the caps RunEvents sets. */
export async function eventRoutes(app: FastifyInstance, options: { events: RunEvents }): Promise<void> {
  const { events } = options;

  app.get('/events', (request, reply) => {
    const raw = reply.raw;
    // Proxies drop idle connections; a comment every 25 s keeps the stream open.
    let keepAlive: NodeJS.Timeout | undefined;
    const stream: EventStream = {
      send: (event, data) => raw.write(`event: ${event}\ndata: ${data}\n\n`),
      // On shutdown or when idle: finish the stream and the connection under it, which the
      // server would otherwise wait on (an EventSource reconnects by itself).
      end: () => {
        clearInterval(keepAlive);
        raw.destroy();
      },
    };
    const full = events.admit(stream, request.ip);
    if (full) return sendResult(reply, full);
    reply.hijack();
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    raw.write('retry: 5000\n\n');
    keepAlive = setInterval(() => raw.write(': keep-alive\n\n'), 25_000);
    // The client went away: drop the stream and our end of the connection with it.
    request.raw.on('close', () => {
      events.remove(stream);
      stream.end();
    });
  });
}
