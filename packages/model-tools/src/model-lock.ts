import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

interface LockOwner {
  pid: number;
  host: string;
}

function readOwner(file: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockOwner>;
    return typeof owner.pid === 'number' && typeof owner.host === 'string' ? (owner as LockOwner) : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** How often the holder touches its lock, and how old a lock nobody touches may get before it is taken over. */
const REFRESH_MS = 5_000;
const ABANDONED_MS = 120_000;

/**
 * A lock held by a process of this host that is gone, or one its holder stopped touching:
 * a holder on another host (a container sharing the cache volume) cannot be asked whether
 * its pid lives, but a live one refreshes the file's time (a pid an unrelated process reused
 * ends up here too). A file that cannot be read yet is one its owner is still writing.
 */
function stale(file: string, owner: LockOwner | undefined): boolean {
  // Our own pid on a lock we do not hold: an earlier process of a restarted container had it.
  if (owner?.host === os.hostname() && (owner.pid === process.pid || !alive(owner.pid))) return true;
  try {
    return Date.now() - fs.statSync(file).mtimeMs > ABANDONED_MS;
  } catch {
    return false;
  }
}

export interface LockWait {
  /** Called once when another process holds the lock, with who. */
  onWait?: (owner: string) => void;
  /** Called when a dead process's lock is taken over. */
  onStale?: (owner: string) => void;
}

/**
 * Runs `body` holding `file` (created with O_EXCL, holding this process's pid and host),
 * waiting while another live process holds it. If two processes take over the same stale
 * lock at the same instant both may run `body`; every file it writes is renamed into place
 * whole, so the worst case is a second download, never a broken model.
 */
export async function withFileLock<T>(file: string, body: () => Promise<T>, wait: LockWait = {}): Promise<T> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let waited = false;
  for (;;) {
    try {
      const fd = fs.openSync(file, 'wx');
      fs.writeSync(fd, JSON.stringify({ pid: process.pid, host: os.hostname() } satisfies LockOwner));
      fs.closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = readOwner(file);
    const who = owner ? `pid ${owner.pid} on ${owner.host}` : 'another process';
    if (stale(file, owner)) {
      wait.onStale?.(who);
      fs.rmSync(file, { force: true });
      continue;
    }
    if (!waited) wait.onWait?.(who);
    waited = true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const refresh = setInterval(() => {
    const now = new Date();
    fs.utimes(file, now, now, () => {});
  }, REFRESH_MS);
  try {
    return await body();
  } finally {
    clearInterval(refresh);
    fs.rmSync(file, { force: true });
  }
}
