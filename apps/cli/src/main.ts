import fs from 'node:fs';
import { runMain } from '@tidings/runtime';
import { commandHelp, helpText, parseCommandLine } from './command-line.js';
import { COMMANDS } from './command-table.js';
import { EXIT_USAGE, UsageError } from './errors/usage-error.js';

const INTRO = `tidings: daily finance news, classified into topics by a zero-shot NLI model.

Usage: pnpm tidings <command> [options]
`;

const OUTRO = `Every command takes --data-dir DIR (default DATA_DIR, ./data): the CLI finds the stack that
'tidings start' runs there (its Redis and password) through DIR/stack.json.

Configuration comes from environment variables; see README.md or 'tidings config'.
`;

/** What was wrong, then the command's usage line; exit 2. */
function refuse(err: unknown): never {
  if (!(err instanceof UsageError)) throw err;
  process.stderr.write(`tidings: ${err.message}\n${err.usage ? `usage: ${err.usage}\n` : ''}`);
  process.exit(EXIT_USAGE);
}

/** The command line is read whole before anything else: a line it cannot read starts nothing. */
function readCommandLine() {
  try {
    return parseCommandLine(process.argv.slice(2), COMMANDS);
  } catch (err) {
    refuse(err);
  }
}

const line = readCommandLine();

runMain('cli', async () => {
  if (line.kind === 'help') {
    process.stdout.write(line.spec ? commandHelp(line.spec) : helpText(INTRO, COMMANDS, OUTRO));
    return;
  }
  // Variables already in the environment win over the file.
  if (fs.existsSync('.env')) process.loadEnvFile('.env');
  // The stack a command belongs to is found through its DATA_DIR (stack.json); the flag wins.
  if (line.dataDir) process.env.DATA_DIR = line.dataDir;
  const exitCode = await line.spec.run({ flags: line.flags, args: line.args }).catch(refuse);
  if (exitCode !== undefined) process.exit(exitCode);
});
