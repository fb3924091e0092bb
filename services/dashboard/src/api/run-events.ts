import { createSubscriber, type Logger, type RedisConnection, type RedisTarget } from '@tidings/runtime';
import { type KeySpaceSource, redisKeys } from '@tidings/shared';
import { type ApiResult, type ErrorBody, refuse } from './result.js';

/**
 * Streams one client may hold open. A browser speaking HTTP/1.1 opens at most 6 connections
 * to one host, so a reader's tabs never need more; a client holding more is taking the
 * places of others (DASHBOARD_MAX_SSE_CLIENTS is shared by all).
 */
export const STREAMS_PER_CLIENT = 6;

/**
 * A stream sent no notice for this long is ended. Keep-alive comments do not count: they are
 * sent to every stream, so counting them would keep every stream forever. A page that is
 * still open reconnects by itself (EventSource, after the `retry` the stream announced), so
 * this costs a live tab one reconnect; a connection whose reader is gone gives its place back.
 */
export const STREAM_IDLE_MS = 30 * 60_000;

/** One open live-update stream, whatever carries it. */
export interface EventStream {
  send(event: string, data: string): void;
  end(): void;
}

/**
 * "Run finished" notices from the topics channel, fanned out to every open page. Streams
 * are capped in all and per client (each holds a socket and a timer for as long as a tab
 * stays open), ended when idle, and all of them are ended on shutdown, because a server that
 * waits for open streams never stops.
 */
export class RunEvents {
  private readonly streams = new Map<EventStream, { client: string; idle: NodeJS.Timeout }>();
  private readonly subscriber: RedisConnection;

  constructor(
    private readonly options: {
      redis: RedisTarget;
      space: KeySpaceSource;
      logger: Logger;
      maxStreams: number;
      streamsPerClient?: number;
      idleMs?: number;
    },
  ) {
    this.subscriber = createSubscriber(options.redis, options.logger);
    this.subscriber.on('message', (_channel, message: string) => {
      for (const [stream, held] of this.streams) {
        stream.send('run-finished', message);
        held.idle.refresh();
      }
    });
  }

  async start(): Promise<void> {
    await this.subscriber.subscribe(redisKeys(this.options.space).topicsChannel);
  }

  /**
   * 503 when every place is taken, 429 when `client` holds its share; otherwise undefined,
   * and the stream gets every notice until it is removed or has been idle too long.
   */
  admit(stream: EventStream, client: string): ApiResult<ErrorBody> | undefined {
    const { maxStreams, streamsPerClient = STREAMS_PER_CLIENT, idleMs = STREAM_IDLE_MS } = this.options;
    if (this.streams.size >= maxStreams) {
      return refuse(
        503,
        'TIDINGS_DASHBOARD_TOO_MANY_STREAMS',
        `${maxStreams} live-update streams are open (DASHBOARD_MAX_SSE_CLIENTS); close a tab or try later`,
      );
    }
    const held = [...this.streams.values()].filter((s) => s.client === client).length;
    if (held >= streamsPerClient) {
      return refuse(
        429,
        'TIDINGS_DASHBOARD_TOO_MANY_STREAMS_FOR_CLIENT',
        `this client already has ${held} live-update streams open, the most one client may hold; close a tab`,
      );
    }
    const idle = setTimeout(() => {
      this.remove(stream);
      stream.end();
    }, idleMs);
    idle.unref();
    this.streams.set(stream, { client, idle });
    return undefined;
  }

  remove(stream: EventStream): void {
    clearTimeout(this.streams.get(stream)?.idle);
    this.streams.delete(stream);
  }

  close(): void {
    for (const [stream, held] of this.streams) {
      clearTimeout(held.idle);
      stream.end();
    }
    this.streams.clear();
    this.subscriber.disconnect();
  }
}
