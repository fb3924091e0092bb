import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ROOT, spawnService } from '@tidings/cli';
import { SERVICE_NAMES, type ServiceName } from '@tidings/shared';
import { peakRssMbOf } from '@tidings/testing';
import { LineSplitter, parseLogLine, type RunTimeline } from './log-timeline.js';

/** Every service but the notifier: the bench's runs deliver nothing. */
export type StackService = Exclude<ServiceName, 'notifier'>;
export const STACK_SERVICES = SERVICE_NAMES.filter((s): s is StackService => s !== 'notifier');

// The compiled file (`pnpm build`), from src/ or dist/ alike: every process the bench measures runs on plain node.
const NOOP_CLASSIFIER = fileURLToPath(new URL('../../dist/scale/noop-classifier-main.js', import.meta.url));

export interface ScaleStackOptions {
  /** Every service's configuration, as environment variables. */
  env: Record<string, string>;
  timeline: RunTimeline;
  readyTimeoutMs?: number;
}

interface Running {
  child: ChildProcess;
  ready: Promise<Record<string, unknown>>;
  /** The last lines it wrote, for the message when something goes wrong. */
  tail: string[];
}

export interface ScaleStack {
  dashboardUrl: string;
  pid(service: StackService): number;
  /** The kernel's high-water mark of each service's RSS (VmHWM), in MB. */
  peakRssMb(): Record<StackService, number>;
  /** What a service wrote last, for a failed row's message. */
  tail(service: StackService): string;
  stop(): Promise<void>;
}

function spawnOne(service: StackService, env: NodeJS.ProcessEnv): ChildProcess {
  if (service !== 'classifier') return spawnService(service, { cwd: ROOT, env });
  // The real classifier service around a no-op model: see noop-classifier-main.ts.
  return spawn(process.execPath, [NOOP_CLASSIFIER], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function watch(service: StackService, child: ChildProcess, timeline: RunTimeline, readyTimeoutMs: number): Running {
  const tail: string[] = [];
  let markReady: (fields: Record<string, unknown>) => void = () => {};
  let markFailed: (err: Error) => void = () => {};
  const ready = new Promise<Record<string, unknown>>((resolve, reject) => {
    markReady = resolve;
    markFailed = reject;
  });
  const timer = setTimeout(
    () => markFailed(new Error(`${service} was not ready within ${readyTimeoutMs} ms:\n${tail.join('\n')}`)),
    readyTimeoutMs,
  );
  const onLines = (lines: string[]) => {
    for (const line of lines) {
      tail.push(line.slice(0, 500));
      if (tail.length > 20) tail.shift();
      const event = parseLogLine(line);
      if (!event) continue;
      timeline.record(service, event);
      if (event.msg === `${service} ready`) {
        clearTimeout(timer);
        markReady(JSON.parse(line) as Record<string, unknown>);
      }
    }
  };
  const out = new LineSplitter();
  const err = new LineSplitter();
  child.stdout?.on('data', (d: Buffer) => onLines(out.push(d.toString())));
  child.stderr?.on('data', (d: Buffer) => onLines(err.push(d.toString())));
  child.once('exit', (code, signal) => {
    clearTimeout(timer);
    markFailed(new Error(`${service} exited (${code ?? signal}) before it was ready:\n${tail.join('\n')}`));
  });
  // A failure to start is reported by whoever awaits `ready`; no unhandled rejection meanwhile.
  ready.catch(() => {});
  return { child, ready, tail };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Every service but the notifier (the classifier around a no-op model), each its own process
 * started the way `tidings start` starts it, all on one Redis; resolves once each has
 * logged "<service> ready".
 */
export async function startScaleStack(options: ScaleStackOptions): Promise<ScaleStack> {
  const { timeline, readyTimeoutMs = 90_000 } = options;
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env };
  const running = Object.fromEntries(
    STACK_SERVICES.map((s) => [s, watch(s, spawnOne(s, env), timeline, readyTimeoutMs)]),
  ) as Record<StackService, Running>;
  const stop = async () => {
    await Promise.all(STACK_SERVICES.map((s) => stopChild(running[s].child)));
  };
  let dashboardReady: Record<string, unknown>;
  try {
    await Promise.all(STACK_SERVICES.map((s) => running[s].ready));
    dashboardReady = await running.dashboard.ready;
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    dashboardUrl: String(dashboardReady.url),
    pid: (s) => running[s].child.pid ?? 0,
    peakRssMb: () =>
      Object.fromEntries(STACK_SERVICES.map((s) => [s, peakRssMbOf(running[s].child.pid ?? 0)])) as Record<
        StackService,
        number
      >,
    tail: (s) => running[s].tail.join('\n'),
    stop,
  };
}
