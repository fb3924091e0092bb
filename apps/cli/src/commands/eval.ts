import {
  CalibrationStore,
  calibrateOptions,
  evaluationReport,
  FeedbackStore,
  feedbackEvaluation,
} from '@tidings/feedback';
import { type Calibration, type Config, keySpaceOf, loadConfig } from '@tidings/shared';
import { RedisUnreachableError } from '../errors/redis-unreachable-error.js';
import { UsageError } from '../errors/usage-error.js';
import { formatEvaluation } from '../format-evaluation.js';
import { readLabelledInput } from '../labelled-input.js';
import { withStackConnection } from '../stack-connection.js';

const USAGE = 'tidings eval <file.jsonl> [--json] | tidings eval --feedback [--json]';

export interface EvalOptions {
  file?: string;
  feedback: boolean;
  json: boolean;
}

// Loaded on demand: the model runtime takes a second or two to import.
async function loadModel(config: Config) {
  const classifier = await import('@tidings/classifier');
  const model = await classifier.loadNliModel(classifier.modelSource(config.classifier), {
    threads: config.classifier.threads,
  });
  return { classifier, model };
}

const textOf = (item: { title: string; summary: string }) => `${item.title}\n${item.summary}`;

/**
 * The calibration in force, or null when there is none or no stack to ask (said on stderr),
 * and how many of `texts` are stored verdicts: a calibration scored on what it learned from
 * looks better than it is.
 */
async function calibrationInForce(
  config: Config,
  texts: Set<string>,
): Promise<{ calibration: Calibration | null; seen: number }> {
  try {
    return await withStackConnection(config, async ({ redis }) => {
      const space = keySpaceOf(config);
      const calibration = await new CalibrationStore(redis, space).current();
      if (!calibration) return { calibration, seen: 0 };
      const stored = await new FeedbackStore(redis, space, {
        perReader: config.feedback.perReader,
        total: config.feedback.max,
      }).list();
      return { calibration, seen: stored.filter((e) => texts.has(textOf(e))).length };
    });
  } catch (err) {
    if (!(err instanceof RedisUnreachableError)) throw err;
    process.stderr.write(`tidings: ${err.message}; evaluating without a calibration\n`);
    return { calibration: null, seen: 0 };
  }
}

/**
 * `tidings eval FILE.jsonl`: the file's lines classified by the configured model through the
 * classifier's code, measured with the model's own scores and under the calibration in
 * force. `--feedback`: the stored verdicts, rescored by the model, with "after" measured by
 * k-fold cross-validation so no verdict is scored by a calibration that learned from it.
 */
export async function evalCommand(options: EvalOptions): Promise<number> {
  if (options.feedback === (options.file !== undefined))
    throw new UsageError('name a labelled file or --feedback, not both or neither', { usage: USAGE });
  const config = loadConfig();
  const settings = {
    labels: config.zeroShot.labels,
    multiLabel: config.zeroShot.multiLabel,
    ownThreshold: config.ownTopics.threshold,
  };
  let report: ReturnType<typeof evaluationReport>;
  let afterIs: string | null;
  let broken = 0;
  if (options.file !== undefined) {
    const read = readLabelledInput(options.file, config.zeroShot.labels, USAGE);
    broken = read.problems.length;
    const { classifier, model } = await loadModel(config);
    try {
      const scored = await classifier.classifyLabelled(model, read.lines, config.zeroShot, config.classifier.batchSize);
      const { calibration, seen } = await calibrationInForce(config, new Set(read.lines.map((l) => textOf(l.item))));
      if (seen > 0)
        process.stderr.write(
          `tidings: ${seen} of these lines are stored verdicts the calibration may have learned from: its numbers here are optimistic; evaluate on lines you did not import\n`,
        );
      report = evaluationReport(scored, calibration, settings);
      afterIs = calibration ? `under calibration ${calibration.id} (learned from ${calibration.votes} verdicts)` : null;
    } finally {
      await model.dispose();
    }
  } else {
    const examples = await withStackConnection(config, ({ redis }) =>
      new FeedbackStore(redis, keySpaceOf(config), {
        perReader: config.feedback.perReader,
        total: config.feedback.max,
      }).list((id, reason) => process.stderr.write(`tidings: skipped stored example ${id}: ${reason}\n`)),
    );
    if (examples.length === 0) {
      process.stderr.write(
        'tidings: no verdicts stored yet; readers vote on the page, or `tidings feedback import FILE.jsonl`\n',
      );
      return 1;
    }
    const { classifier, model } = await loadModel(config);
    try {
      const rescored: Record<string, number>[] = [];
      for (const e of examples)
        rescored.push(
          (
            await classifier.classifyText(model, classifier.premiseOf(e), config.zeroShot, {
              batchSize: config.classifier.batchSize,
            })
          ).scores,
        );
      // Own-topic verdicts keep the score they were judged at: the example names the topic's id, not its words.
      report = feedbackEvaluation(examples, rescored, [], calibrateOptions(config));
      afterIs = `calibrated by ${config.feedback.folds}-fold cross-validation (each verdict by a fit on the others)`;
    } finally {
      await model.dispose();
    }
  }
  if (options.json) process.stdout.write(`${JSON.stringify({ ...report, brokenLines: broken })}\n`);
  else process.stdout.write(formatEvaluation(report, afterIs));
  return broken > 0 ? 1 : 0;
}
