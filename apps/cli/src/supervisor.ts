import type { ChildProcess } from 'node:child_process';
import readline from 'node:readline';
import { EXIT_CONFIG, EXIT_UNAVAILABLE, type Logger } from '@tidings/runtime';
import { SERVICES, type ServiceName } from '@tidings/shared';
import { formatLogLine } from './format-log-line.js';
import { spawnService } from './service-entry.js';

export interface ServiceSpec {
  /** Shown in the logs, e.g. "classifier-2". */
  name: string;
  service: ServiceName;
  env?: Record<string, string>;
}

export interface SupervisorOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  output?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Backoff after a crash: doubles from this up to maxRestartDelayMs. */
  restartDelayMs?: number;
  maxRestartDelayMs?: number;
  stopTimeoutMs?: number;
  /**
   * A service exited with EXIT_CONFIG: it cannot start as configured, and restarting it would
   * only repeat that. Called once, with the service's last line on stderr (its one-line reason).
   */
  onConfigError?: (service: string, line: string) => void;
}

interface Supervised {
  spec: ServiceSpec;
  child?: ChildProcess;
  lastErrorLine?: string;
  restarts: number;
  startedAt: number;
  restartTimer?: NodeJS.Timeout;
}

/** The services in the order they stop (the registry's stopOrder), those of one order together. */
export function stopGroups<T>(items: T[], serviceOf: (item: T) => ServiceName): T[][] {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const order = SERVICES[serviceOf(item)].stopOrder;
    groups.set(order, [...(groups.get(order) ?? []), item]);
  }
  return [...groups.keys()].sort((a, b) => a - b).map((order) => groups.get(order) ?? []);
}

/**
 * Runs each service as a child process, prefixes its logs, restarts a crashed one with
 * backoff, and stops them in order: producers first, so nothing new is started while the
 * workers finish or hand back what they hold.
 */
export class Supervisor {
  private readonly services: Supervised[];
  private stopping = false;

  constructor(
    specs: ServiceSpec[],
    private readonly options: SupervisorOptions,
  ) {
    this.services = specs.map((spec) => ({ spec, restarts: 0, startedAt: 0 }));
  }

  start(): void {
    for (const s of this.services) this.spawn(s);
  }

  /** The services whose process is running now (not exited, not waiting to restart). */
  running(): string[] {
    return this.services
      .filter((s) => s.child && s.child.exitCode === null && s.child.signalCode === null)
      .map((s) => s.spec.name);
  }

  pids(): Record<string, number | undefined> {
    return Object.fromEntries(this.services.map((s) => [s.spec.name, s.child?.pid]));
  }

  private spawn(s: Supervised): void {
    const output = this.options.output ?? process.stdout;
    const child = spawnService(s.spec.service, {
      cwd: this.options.cwd,
      env: { ...this.options.env, ...s.spec.env },
      // The IPC channel lets a child notice when the supervisor dies without stopping it.
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    s.child = child;
    s.startedAt = Date.now();
    const lines: Promise<void>[] = [];
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      const reader = readline.createInterface({ input: stream });
      reader.on('line', (line) => {
        if (stream === child.stderr && line.trim() !== '') s.lastErrorLine = line;
        output.write(`${formatLogLine(line, s.spec.name, Boolean(output.isTTY))}\n`);
      });
      lines.push(new Promise((resolve) => reader.once('close', () => resolve())));
    }
    child.on('exit', async (code, signal) => {
      if (this.stopping) return;
      if (code === EXIT_CONFIG) {
        // The reason may still be in the pipe when 'exit' fires.
        await Promise.all(lines);
        this.stopping = true;
        const line = s.lastErrorLine ?? `${s.spec.name} cannot start as configured`;
        this.options.logger.error({ service: s.spec.name, code }, 'service cannot start as configured; stopping');
        this.options.onConfigError?.(s.spec.name, line);
        return;
      }
      if (code === EXIT_UNAVAILABLE) {
        await Promise.all(lines);
        this.options.logger.error(
          { service: s.spec.name, code, reason: s.lastErrorLine },
          'service cannot get what it needs; not restarting it (see tidings status)',
        );
        return;
      }
      // A service that ran a minute before crashing starts again from the shortest delay.
      if (Date.now() - s.startedAt > 60_000) s.restarts = 0;
      const base = this.options.restartDelayMs ?? 1_000;
      const delay = Math.min(base * 2 ** s.restarts, this.options.maxRestartDelayMs ?? 30_000);
      s.restarts++;
      this.options.logger.warn(
        { service: s.spec.name, code, signal, restartInMs: delay },
        'service exited; restarting',
      );
      s.restartTimer = setTimeout(() => this.spawn(s), delay);
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const s of this.services) clearTimeout(s.restartTimer);
    for (const group of stopGroups(this.services, (s) => s.spec.service)) {
      await Promise.all(group.map((s) => this.stopOne(s)));
    }
  }

  private async stopOne(s: Supervised): Promise<void> {
    const child = s.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      this.options.logger.warn({ service: s.spec.name }, 'service did not stop in time; killing it');
      child.kill('SIGKILL');
    }, this.options.stopTimeoutMs ?? 30_000);
    await exited;
    clearTimeout(timer);
  }
}
