import { type CommandSpec, defineCommand, flag } from './command-line.js';
import { calibrateCommand } from './commands/calibrate.js';
import { classifyCommand } from './commands/classify.js';
import { configCommand } from './commands/config.js';
import { demoCommand } from './commands/demo.js';
import { evalCommand } from './commands/eval.js';
import { feedbackImportCommand } from './commands/feedback.js';
import { feedsCommand } from './commands/feeds.js';
import { modelsCommand } from './commands/models.js';
import { notifyCommand } from './commands/notify.js';
import { parseCommand } from './commands/parse.js';
import { reclassifyCommand } from './commands/reclassify.js';
import { runCommand } from './commands/run.js';
import { startCommand } from './commands/start.js';
import { statusCommand } from './commands/status.js';
import { subscribersCommand } from './commands/subscribers.js';
import { UnreadableValueError } from './errors/unreadable-value-error.js';

/** How long `run --wait` waits for a run to finish when --timeout is not given. */
const RUN_WAIT_DEFAULT_S = 600;
/** How long `reclassify` waits for its report: a month of articles on a CPU takes a while. */
const RECLASSIFY_WAIT_DEFAULT_S = 6 * 3600;

const httpUrl = (raw: string) => {
  if (!/^https?:\/\/\S+$/i.test(raw)) throw new UnreadableValueError(`'${raw}' is not an http(s) URL`);
};

/**
 * Every command: its words, flags, positionals and what it runs. The parser reads a command
 * line against these before anything starts, and the usage lines and `--help` come from them.
 */
export const COMMANDS: readonly CommandSpec[] = [
  defineCommand({
    name: 'demo',
    summary:
      'Everything on one machine, offline: the fixture feed and the tiny test model; runs one digest,\nprints it, keeps the dashboard up (--once: exit after printing).',
    flags: { once: flag.switch(), port: flag.port() },
    run: ({ flags }) => demoCommand({ once: flags.once, port: flags.port }).then(() => undefined),
  }),
  defineCommand({
    name: 'start',
    summary:
      'Every service (redis-server, loader, classifier x CLASSIFIER_PROCESSES, aggregator, notifier,\ndashboard) as supervised child processes.',
    flags: {},
    run: () => startCommand().then(() => undefined),
  }),
  defineCommand({
    name: 'run',
    summary: `Start a run now and print its id; --wait shows progress and prints the run's topic groups as\nJSON when it finishes (--timeout: give up after S seconds, default ${RUN_WAIT_DEFAULT_S}).`,
    flags: { feed: flag.repeated('F'), reclassify: flag.switch(), wait: flag.switch(), timeout: flag.seconds() },
    run: ({ flags }) =>
      runCommand({
        feeds: flags.feed,
        reclassify: flags.reclassify,
        wait: flags.wait,
        timeoutS: flags.timeout ?? RUN_WAIT_DEFAULT_S,
      }),
  }),
  defineCommand({
    name: 'reclassify',
    summary:
      'Classify stored articles again (published in the last --since, e.g. 30d or 12h; --topic: of one\nstored label) after the model or LABELS changed; waits and prints the report (agreement,\nconfusion, changes). --dry-run: a shadow run that writes nothing but the report.',
    flags: {
      since: flag.requiredText('30d'),
      topic: flag.text('LABEL'),
      'dry-run': flag.switch(),
      json: flag.switch(),
      timeout: flag.seconds(),
    },
    run: ({ flags }) =>
      reclassifyCommand({
        action: 'start',
        since: flags.since,
        topic: flags.topic,
        dryRun: flags['dry-run'],
        json: flags.json,
        timeoutS: flags.timeout ?? RECLASSIFY_WAIT_DEFAULT_S,
      }),
  }),
  defineCommand({
    name: 'reclassify apply',
    summary: "Write a dry run's new labels into the store (each article once; nothing is delivered again).",
    flags: { json: flag.switch() },
    positionals: [{ name: 'run' }],
    run: ({ flags, args }) => reclassifyCommand({ action: 'apply', runId: args[0] ?? '', json: flags.json }),
  }),
  defineCommand({
    name: 'reclassify report',
    summary: "Print a reclassify run's report again (the latest when no run is named).",
    flags: { json: flag.switch() },
    positionals: [{ name: 'run', optional: true }],
    run: ({ flags, args }) => reclassifyCommand({ action: 'report', runId: args[0], json: flags.json }),
  }),
  defineCommand({
    name: 'eval',
    summary:
      "Classify a labelled file's lines ({title, summary, label} or {title, summary, topic, relevant}) with\nthe configured model and print per-label precision, recall, F1, macro-F1, the confusion matrix and\nthe calibration error, with the model's own scores and under the calibration in force; --feedback:\nthe stored verdicts instead, calibrated by cross-validation.",
    flags: { feedback: flag.switch(), json: flag.switch() },
    positionals: [{ name: 'file.jsonl', optional: true }],
    run: ({ flags, args }) => evalCommand({ file: args[0], feedback: flags.feedback, json: flags.json }),
  }),
  defineCommand({
    name: 'calibrate',
    summary:
      "Fit a calibration from the stored verdicts and put it in force only when cross-validation says it\nbeats the model's own scores (both reported); --reset: back to the model's own scores.",
    flags: { reset: flag.switch(), json: flag.switch() },
    run: ({ flags }) => calibrateCommand({ reset: flags.reset, json: flags.json }),
  }),
  defineCommand({
    name: 'feedback import',
    summary:
      "Store an operator's labelled lines as verdicts, each classified by the model (broken lines are named\nwith their numbers and skipped; importing again replaces them).",
    flags: {},
    positionals: [{ name: 'file.jsonl' }],
    run: ({ args }) => feedbackImportCommand(args[0] ?? ''),
  }),
  defineCommand({
    name: 'status',
    summary:
      "Redis, queues, live workers (with each classifier's model), the last runs, the next scheduled\nrun and problems; exits 1 while there are problems.",
    flags: { json: flag.switch() },
    run: ({ flags }) => statusCommand({ json: flags.json }),
  }),
  defineCommand({
    name: 'feeds list',
    summary: "The feeds every run reads beside FEED_URLS, with each one's last status.",
    flags: {},
    run: () => feedsCommand({ action: 'list' }),
  }),
  defineCommand({
    name: 'feeds add',
    summary: 'Add a feed every run reads.',
    flags: {},
    positionals: [{ name: 'url', check: httpUrl }],
    run: ({ args }) => feedsCommand({ action: 'add', url: args[0] ?? '' }),
  }),
  defineCommand({
    name: 'feeds remove',
    summary: 'Remove a feed from the list.',
    flags: {},
    positionals: [{ name: 'url' }],
    run: ({ args }) => feedsCommand({ action: 'remove', url: args[0] ?? '' }),
  }),
  defineCommand({
    name: 'feeds import',
    summary: "Add the feeds of a reader's OPML export.",
    flags: {},
    positionals: [{ name: 'file.opml' }],
    run: ({ args }) => feedsCommand({ action: 'import', file: args[0] ?? '' }),
  }),
  defineCommand({
    name: 'feeds export',
    summary:
      'Print the listed feeds as OPML, for a reader to import; --topic-feeds: every topic feed instead\n(what GET /feeds.opml serves), keyed when DASHBOARD_TOKEN is set.',
    flags: { 'topic-feeds': flag.switch() },
    run: ({ flags }) => feedsCommand({ action: 'export', topicFeeds: flags['topic-feeds'] }),
  }),
  defineCommand({
    name: 'parse',
    summary:
      'Read feeds (files or URLs) as the loader does and print their articles as JSON lines;\n--json: one object per feed with every item, why any is dropped, or the error.',
    flags: { json: flag.switch() },
    positionals: [{ name: 'feed', rest: true }],
    run: ({ flags, args }) => parseCommand(args, { json: flags.json }),
  }),
  defineCommand({
    name: 'classify',
    summary: 'Classify one text; prints the label and every score as JSON.',
    flags: { 'model-dir': flag.text('DIR'), labels: flag.text('"A,B"'), dtype: flag.choice(['fp32', 'q8']) },
    positionals: [{ name: 'text', rest: true }],
    run: ({ flags, args }) =>
      classifyCommand(args.join(' '), { modelDir: flags['model-dir'], labels: flags.labels, dtype: flags.dtype }),
  }),
  defineCommand({
    name: 'models fetch',
    summary: 'Download MODEL_ID from HF_ENDPOINT into MODEL_CACHE_DIR, with progress; verify it loads.',
    flags: {},
    run: () => modelsCommand(),
  }),
  defineCommand({
    name: 'subscribers add',
    summary:
      "Subscribe someone to topics, and to topics in their own words (--own, as often as needed):\nprints their personal feed URLs (and their webhook's signing secret, shown this once).\n--preview: save nothing; print what each --own topic would match among the last days' articles.",
    flags: {
      name: flag.text('N'),
      topics: flag.text('A,B'),
      own: flag.repeated('"WORDS"'),
      email: flag.text('E'),
      webhook: flag.text('URL'),
      preview: flag.switch(),
    },
    run: ({ flags }) =>
      subscribersCommand({
        action: 'add',
        name: flags.name,
        topics: flags.topics,
        own: flags.own,
        email: flags.email,
        webhook: flags.webhook,
        preview: flags.preview,
      }),
  }),
  defineCommand({
    name: 'subscribers list',
    summary: 'List subscriptions (feed URLs, no secrets).',
    flags: {},
    run: () => subscribersCommand({ action: 'list' }),
  }),
  defineCommand({
    name: 'subscribers remove',
    summary: 'Remove a subscription.',
    flags: {},
    positionals: [{ name: 'id' }],
    run: ({ args }) => subscribersCommand({ action: 'remove', id: args[0] ?? '' }),
  }),
  defineCommand({
    name: 'subscribers rotate-secret',
    summary: 'A new webhook signing secret, shown once; the old one signs beside it for 24 hours.',
    flags: {},
    positionals: [{ name: 'id' }],
    run: ({ args }) => subscribersCommand({ action: 'rotate-secret', id: args[0] ?? '' }),
  }),
  defineCommand({
    name: 'subscribers check',
    summary:
      'Rebuild the own-topic registry from the subscriptions: drop topics no one has, add missing\nones (backfilled); prints what it fixed as JSON.',
    flags: {},
    run: () => subscribersCommand({ action: 'check' }),
  }),
  defineCommand({
    name: 'notify test',
    summary: 'Send a sample digest to every configured destination and report each outcome.',
    flags: {},
    run: () => notifyCommand(),
  }),
  defineCommand({
    name: 'config',
    summary: 'Print the effective configuration (secrets masked).',
    flags: {},
    run: () => configCommand(),
  }),
];
