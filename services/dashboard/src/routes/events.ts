import { redisKeys } from '@tidings/contracts';
import { createSubscriber, type Logger } from '@tidings/runtime';
import type { FastifyInstance } from 'fastify';

/** Server-sent events: each "run finished" notice on the topics channel, to every open page. */
export async function eventRoutes(
  app: FastifyInstance,
  options: { redisUrl: string; keyPrefix: string; logger: Logger },
): Promise<void> {
  const channel = redisKeys(options.keyPrefix).topicsChannel;
  const subscriber = createSubscriber(options.redisUrl, options.logger);
  const clients = new Set<(event: string, data: string) => void>();
  subscriber.on('message', (_channel, message) => {
    for (const send of clients) send('run-finished', message);
  });
  await subscriber.subscribe(channel);
  app.addHook('onClose', async () => {
    subscriber.disconnect();
  });

  app.get('/events', (request, reply) => {
    reply.hijack();
    reply.raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    reply.raw.write('retry: 5000\n\n');
    const send = (event: string, data: string) => reply.raw.write(`event: ${event}\ndata: ${data}\n\n`);
    const keepAlive = setInterval(() => reply.raw.write(': keep-alive\n\n'), 25_000);
    clients.add(send);
    request.raw.on('close', () => {
      clearInterval(keepAlive);
      clients.delete(send);
    });
  });
}
