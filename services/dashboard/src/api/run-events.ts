import { createSubscriber, type Logger, type RedisConnection, type RedisTarget } from '@tidings/runtime';
import { redisKeys } from '@tidings/shared';
import { type ApiResult, type ErrorBody, refuse } from './result.js';

/** One open live-update stream, whatever carries it. */
export interface EventStream {
  send(event: string, data: string): void;
  end(): void;
}

/**
 * "Run finished" notices from the topics channel, fanned out to every open page. Streams
 * are capped (each holds a socket and a timer for as long as a tab stays open) and all of
 * them are ended on shutdown, because a server that waits for open streams never stops.
 */
export class RunEvents {
  private readonly streams = new Set<EventStream>();
  private readonly subscriber: RedisConnection;

  constructor(private readonly options: { redis: RedisTarget; prefix: string; logger: Logger; maxStreams: number }) {
    this.subscriber = createSubscriber(options.redis, options.logger);
    this.subscriber.on('message', (_channel, message: string) => {
      for (const stream of this.streams) stream.send('run-finished', message);
    });
  }

  async start(): Promise<void> {
    await this.subscriber.subscribe(redisKeys(this.options.prefix).topicsChannel);
  }

  /** 503 when the cap is reached; otherwise undefined, and the stream gets every notice until it is removed. */
  admit(stream: EventStream): ApiResult<ErrorBody> | undefined {
    if (this.streams.size >= this.options.maxStreams) {
      return refuse(
        503,
        'TIDINGS_DASHBOARD_TOO_MANY_STREAMS',
        `${this.options.maxStreams} live-update streams are open (DASHBOARD_MAX_SSE_CLIENTS); close a tab or try later`,
      );
    }
    this.streams.add(stream);
    return undefined;
  }

  remove(stream: EventStream): void {
    this.streams.delete(stream);
  }

  close(): void {
    for (const stream of this.streams) stream.end();
    this.streams.clear();
    this.subscriber.disconnect();
  }
}
