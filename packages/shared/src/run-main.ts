/**
 * Runs a service's start-up; an error a user can act on (it carries a code) ends the process
 * with one line and exit code 1, anything else with its stack.
 */
export function runMain(service: string, start: () => Promise<void>): void {
  start().catch((err: unknown) => {
    const coded = err instanceof Error && typeof (err as { code?: unknown }).code === 'string';
    process.stderr.write(
      `tidings ${service}: ${coded ? (err as Error).message : ((err as Error)?.stack ?? String(err))}\n`,
    );
    process.exit(1);
  });
}
