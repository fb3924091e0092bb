import fs from 'node:fs';
import path from 'node:path';
import { fileInDataDir, jobSigningKey, privateHostReason, readSecretFile } from '@tidings/runtime';
import {
  type Config,
  describeZodError,
  isHttpUrl,
  type StackFile,
  StackFileSchema,
  UnsafeFileError,
} from '@tidings/shared';

const STACK_FILE = 'stack.json';
/** The embedded redis-server's password: made on first start, kept for every later one. */
export const redisPasswordFile = (dataDir: string) => path.join(dataDir, 'redis-password');

/** Records where `tidings start`'s private redis-server is, for the other commands on this host. */
export function writeStackFile(dataDir: string, stack: StackFile): void {
  const file = fileInDataDir(dataDir, STACK_FILE);
  // Written aside and renamed, so a command reading it while the stack starts never sees half a file.
  const aside = fileInDataDir(dataDir, `${STACK_FILE}.${process.pid}.tmp`);
  fs.writeFileSync(aside, `${JSON.stringify(StackFileSchema.parse(stack), null, 2)}\n`);
  fs.renameSync(aside, file);
}

export function removeStackFile(dataDir: string): void {
  fs.rmSync(path.join(dataDir, STACK_FILE), { force: true });
}

/**
 * The Redis URL a command uses: REDIS_URL when set; else the private redis-server that
 * `tidings start` recorded in DATA_DIR/stack.json, with the password from its 0600 file;
 * else the default.
 */
export function stackRedisUrl(config: Config): string {
  if (!config.redis.embedded) return config.redis.url;
  const file = path.join(config.dataDir, STACK_FILE);
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch {
    return config.redis.url;
  }
  let parsed: ReturnType<typeof StackFileSchema.safeParse>;
  try {
    parsed = StackFileSchema.safeParse(JSON.parse(raw));
  } catch {
    throw new UnsafeFileError(file, 'is not JSON', "delete it and run 'tidings start' again");
  }
  if (!parsed.success) {
    throw new UnsafeFileError(file, describeZodError(parsed.error), "delete it and run 'tidings start' again");
  }
  const password = readSecretFile(parsed.data.passwordFile);
  if (password === undefined) {
    throw new UnsafeFileError(parsed.data.passwordFile, 'is missing', "run 'tidings start' again");
  }
  const url = new URL(parsed.data.redisUrl);
  url.password = password;
  return url.toString().replace(/\/$/, '');
}

/**
 * Whether a request names something only the operator may have read: a local file, or an
 * http(s) URL whose host is this machine or a private address by its very name. (A name that
 * only resolves to one is refused by the loader; FEED_URLS or FEED_ALLOW_PRIVATE allow it.)
 */
function needsSignature(feed: string): boolean {
  return !isHttpUrl(feed) || privateHostReason(feed) !== undefined;
}

/**
 * The feeds of a `tidings run` request as the loader must read them (files as absolute
 * paths, since the loader's working directory is not ours) and, when one needs it, this
 * host's job-signing key (made on first use in DATA_DIR, mode 0600).
 */
export function prepareFeeds(config: Config, feeds: string[]): { feeds: string[]; signingKey?: Buffer } {
  const resolved = feeds.map((f) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(f) ? f : path.resolve(f)));
  if (!resolved.some(needsSignature)) return { feeds: resolved };
  return { feeds: resolved, signingKey: jobSigningKey(config.dataDir, { create: true }) };
}
