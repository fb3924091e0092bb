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

/**
 * A lock held by a process of this host that is gone. A lock from another host (a cache on
 * a shared volume) cannot be judged from here and is waited for. A file that cannot be read
 * yet is one its owner is still writing.
 */
function stale(owner: LockOwner | undefined): boolean {
  return owner !== undefined && owner.host === os.hostname() && !alive(owner.pid);
}

export interface LockWait {
  /** Called once when another process holds the lock, with who. */
  onWait?: (owner: string) => void;
  /** Called when a dead process's lock is taken over. */
  onStale?: (owner: string) => void;
  pollMs?: number;
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
    if (stale(owner)) {
      wait.onStale?.(who);
      fs.rmSync(file, { force: true });
      continue;
    }
    if (!waited) wait.onWait?.(who);
    waited = true;
    await new Promise((resolve) => setTimeout(resolve, wait.pollMs ?? 250));
  }
  try {
    return await body();
  } finally {
    fs.rmSync(file, { force: true });
  }
}
