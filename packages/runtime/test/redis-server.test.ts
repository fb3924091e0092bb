import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TidingsError } from '@tidings/shared';
import { processAlive } from '@tidings/testing';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import {
  RedisPasswordError,
  RedisServerDirError,
  RedisServerFailedError,
  type RedisServerHandle,
  RedisServerMissingError,
  RedisServerPortTakenError,
  startRedisServer,
} from '../src/index.js';

/** Real redis-server processes of this test's own, on free ports: never the suite's, never 6379. */
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-redis-server-'));
const started: RedisServerHandle[] = [];
afterAll(async () => {
  for (const server of started) await server.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

async function start(options: Parameters<typeof startRedisServer>[0]) {
  const server = await startRedisServer(options);
  started.push(server);
  return server;
}

describe('startRedisServer', () => {
  it('starts a private server on loopback that answers, and stop() ends it', async () => {
    const server = await start({ dir: path.join(root, 'plain') });
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
    expect(server.port).not.toBe(6379);
    const client = new Redis(server.url);
    expect(await client.ping()).toBe('PONG');
    expect(await client.config('GET', 'bind')).toEqual(['bind', '127.0.0.1']);
    client.disconnect();
    await server.stop();
    expect(processAlive(server.process.pid as number)).toBe(false);
  });

  it('with a password, refuses clients without it and keeps it off the command line', async () => {
    const password = 'p4ssw0rd-for-this-test-only';
    const server = await start({ dir: path.join(root, 'password'), password });
    expect(server.url).toBe(`redis://:${password}@127.0.0.1:${server.port}`);
    const stranger = new Redis(`redis://127.0.0.1:${server.port}`, { maxRetriesPerRequest: 0 });
    stranger.on('error', () => {});
    await expect(stranger.ping()).rejects.toThrow(/NOAUTH/);
    stranger.disconnect();
    const client = new Redis(server.url);
    expect(await client.ping()).toBe('PONG');
    client.disconnect();
    expect(fs.readFileSync(`/proc/${server.process.pid}/cmdline`, 'utf8')).not.toContain(password);
  });

  it('stops a server a killed supervisor left on the same folder before it starts another', async () => {
    const dir = path.join(root, 'leftover');
    const first = await start({ dir });
    const second = await start({ dir });
    expect(processAlive(first.process.pid as number)).toBe(false);
    const client = new Redis(second.url);
    expect(await client.ping()).toBe('PONG');
    client.disconnect();
  });
});

describe('startRedisServer errors say what to change', () => {
  const refusal = (options: Parameters<typeof startRedisServer>[0]) =>
    start(options).then(
      () => {
        throw new Error('redis-server started');
      },
      (err: unknown) => err as TidingsError,
    );

  it('names a missing binary and how to install it', async () => {
    const error = await refusal({ dir: path.join(root, 'missing'), bin: '/nonexistent/redis-server' });
    expect(error).toBeInstanceOf(RedisServerMissingError);
    expect(error.code).toBe('TIDINGS_REDIS_SERVER_MISSING');
    expect(error.message).toBe(
      "/nonexistent/redis-server is not installed; install it with 'apt-get install -y redis-server', or set REDIS_URL to a Redis server",
    );
  });

  it('names a taken port and leaves whatever holds it alone', async () => {
    const sockets = new Set<net.Socket>();
    const holder = net.createServer((socket) => {
      sockets.add(socket);
      socket.end('still mine\n');
    });
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as net.AddressInfo).port;
    try {
      const error = await refusal({ dir: path.join(root, 'taken'), port });
      expect(error).toBeInstanceOf(RedisServerPortTakenError);
      expect(error.code).toBe('TIDINGS_REDIS_PORT_TAKEN');
      expect(error.message).toContain(`127.0.0.1:${port}`);
      expect(error.fix).toMatch(/REDIS_PORT/);
      const reply = await new Promise<string>((resolve) => {
        const socket = net.connect(port, '127.0.0.1').on('data', (d) => {
          resolve(d.toString());
          socket.destroy();
        });
      });
      expect(reply).toBe('still mine\n');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('names a port another Redis holds, rather than taking that server for its own', async () => {
    const other = await start({ dir: path.join(root, 'other') });
    const error = await refusal({ dir: path.join(root, 'second-on-port'), port: other.port });
    expect(error).toBeInstanceOf(RedisServerPortTakenError);
    const client = new Redis(other.url);
    expect(await client.ping()).toBe('PONG');
    client.disconnect();
  });

  it('names a data folder it cannot use, and starts nothing', async () => {
    const file = path.join(root, 'a-file');
    fs.writeFileSync(file, 'not a folder');
    for (const dir of [file, path.join(file, 'redis')]) {
      const error = await refusal({ dir });
      expect(error).toBeInstanceOf(RedisServerDirError);
      expect(error.code).toBe('TIDINGS_REDIS_DIR_UNUSABLE');
      expect(error.message).toContain(dir);
      expect(error.fix).toMatch(/DATA_DIR/);
    }
    expect(fs.readFileSync(file, 'utf8')).toBe('not a folder');
  });

  it('refuses a password it would have to quote, without showing it', async () => {
    const error = await refusal({ dir: path.join(root, 'bad-password'), password: 'short pass"word' });
    expect(error).toBeInstanceOf(RedisPasswordError);
    expect(error.code).toBe('TIDINGS_REDIS_PASSWORD_INVALID');
    expect(error.message).not.toContain('short pass');
    expect(fs.existsSync(path.join(root, 'bad-password'))).toBe(false);
  });

  it('reports a server that exits while starting with the end of its output', async () => {
    // redis-server itself, refusing a setting it cannot read: what a bad redis.conf line looks like.
    const script = path.join(root, 'redis-server-wrapper.sh');
    fs.writeFileSync(script, '#!/bin/sh\nexec redis-server "$@" --maxmemory not-a-size\n', { mode: 0o755 });
    const error = await refusal({ dir: path.join(root, 'exits'), bin: script });
    expect(error).toBeInstanceOf(RedisServerFailedError);
    expect(error.code).toBe('TIDINGS_REDIS_SERVER_FAILED');
    expect(error.message).toMatch(/^redis-server exited with code 1: .*maxmemory/s);
  });
});
