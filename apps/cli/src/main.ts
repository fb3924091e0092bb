import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { runMain } from '@tidings/runtime';
import { classifyCommand } from './commands/classify.js';
import { configCommand } from './commands/config.js';
import { demoCommand } from './commands/demo.js';
import { feedsCommand } from './commands/feeds.js';
import { modelsCommand } from './commands/models.js';
import { notifyCommand } from './commands/notify.js';
import { parseCommand } from './commands/parse.js';
import { runCommand } from './commands/run.js';
import { startCommand } from './commands/start.js';
import { statusCommand } from './commands/status.js';
import { subscribersCommand } from './commands/subscribers.js';
import { UsageError } from './errors/usage-error.js';

const HELP = `tidings: daily finance news, classified into topics by a zero-shot NLI model.

Usage: pnpm tidings <command> [options]

Commands:
  demo [--once] [--port N]         Everything on one machine, offline: the fixture feed and the tiny
                                   test model; runs one digest, prints it, keeps the dashboard up
                                   (--once: exit after printing).
  start                            Every service (redis-server, loader, classifier x CLASSIFIER_PROCESSES,
                                   aggregator, notifier, dashboard) as supervised child processes.
  run [--feed F]... [--reclassify] [--wait] [--timeout S]
                                   Start a run now and print its id; --wait shows progress and prints
                                   the run's topic groups as JSON when it finishes.
  status [--json]                  Redis, queues, live workers (with each classifier's model), the
                                   last runs, the next scheduled run and problems; exits 1 while
                                   there are problems.
  feeds list | add <url> | remove <url> | import <file.opml> | export
                                   The feeds every run reads beside FEED_URLS, with each one's last
                                   status; import and export OPML to move a reader's subscriptions.
  feeds export topics              Every topic feed as OPML 2.0, for a reader's import (as GET /feeds.opml).
  parse <file-or-url>              Print the normalised articles of one feed as JSON lines.
  classify [--model-dir DIR] [--labels "A,B"] [--dtype fp32|q8] "text"
                                   Classify one text; prints the label and every score as JSON.
  models fetch                     Download MODEL_ID from HF_ENDPOINT into MODEL_CACHE_DIR, with progress; verify it loads.
  subscribers add --name N --topics A,B [--email E] [--webhook URL]
                                   Subscribe someone to topics: prints their personal feed URLs (and
                                   their webhook's signing secret, shown this once).
  subscribers list | remove <id>   List subscriptions (feed URLs, no secrets), or remove one.
  subscribers rotate-secret <id>   A new webhook signing secret, shown once; the old one signs beside
                                   it for 24 hours.
  notify test                      Send a sample digest to every configured destination and report
                                   each outcome.
  config                           Print the effective configuration (secrets masked).
  help, --help                     This text.

Every command takes --data-dir DIR (default DATA_DIR, ./data): the CLI finds the stack that
'tidings start' runs there (its Redis and password) through DIR/stack.json.

Configuration comes from environment variables; see README.md or 'tidings config'.
`;

runMain('cli', async () => {
  // Variables already in the environment win over the file.
  if (fs.existsSync('.env')) process.loadEnvFile('.env');
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      'data-dir': { type: 'string' },
      feed: { type: 'string', multiple: true },
      reclassify: { type: 'boolean' },
      wait: { type: 'boolean' },
      timeout: { type: 'string' },
      'model-dir': { type: 'string' },
      labels: { type: 'string' },
      dtype: { type: 'string' },
      once: { type: 'boolean' },
      port: { type: 'string' },
      name: { type: 'string' },
      json: { type: 'boolean' },
      topics: { type: 'string' },
      email: { type: 'string' },
      webhook: { type: 'string' },
    },
  });
  // The stack a command belongs to is found through its DATA_DIR (stack.json); the flag wins.
  if (values['data-dir']) process.env.DATA_DIR = values['data-dir'];
  const [command, ...rest] = positionals;
  if (values.help || !command || command === 'help') {
    process.stdout.write(HELP);
    return;
  }
  let exitCode = 0;
  switch (command) {
    case 'config':
      exitCode = await configCommand();
      break;
    case 'parse':
      exitCode = await parseCommand(rest[0]);
      break;
    case 'classify':
      exitCode = await classifyCommand(rest.join(' ') || undefined, {
        modelDir: values['model-dir'],
        labels: values.labels,
        dtype: values.dtype,
      });
      break;
    case 'models':
      exitCode = await modelsCommand(rest[0]);
      break;
    case 'run':
      exitCode = await runCommand({
        feeds: values.feed ?? [],
        reclassify: values.reclassify ?? false,
        wait: values.wait ?? false,
        timeoutS: Number(values.timeout ?? 600),
      });
      break;
    case 'subscribers':
      exitCode = await subscribersCommand(rest[0], rest.slice(1), {
        name: values.name,
        topics: values.topics,
        email: values.email,
        webhook: values.webhook,
      });
      break;
    case 'feeds':
      exitCode = await feedsCommand(rest[0], rest.slice(1));
      break;
    case 'status':
      exitCode = await statusCommand({ json: values.json ?? false });
      break;
    case 'notify':
      exitCode = await notifyCommand(rest[0]);
      break;
    case 'start':
      await startCommand();
      return;
    case 'demo':
      await demoCommand({ once: values.once ?? false, port: values.port });
      return;
    default:
      throw new UsageError(`unknown command '${command}': try 'tidings --help'`);
  }
  process.exit(exitCode);
});
