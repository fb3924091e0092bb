import { execFileSync } from 'node:child_process';
import { ROOT } from '@tidings/cli';

/**
 * Tests import the sources, but every process they start (services, the CLI) runs on the
 * compiled output, as a real stack does; building first (incremental, about two seconds when
 * nothing changed) keeps those processes from running code older than the tests.
 */
export default function setup(): void {
  execFileSync('pnpm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
}
