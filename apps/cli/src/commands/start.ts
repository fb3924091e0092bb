import { startStack, stopOnSignals } from '../stack.js';

/** Every service as supervised child processes; returns while they run (Ctrl-C stops them). */
export async function startCommand(): Promise<void> {
  const stack = await startStack(process.env);
  stopOnSignals(stack);
  process.stderr.write(`tidings is running: dashboard at ${stack.url} (Ctrl-C stops everything)\n`);
}
