import { FeedbackStore, importedExample } from '@tidings/feedback';
import { feedbackReaderId, keySpaceOf, loadConfig } from '@tidings/shared';
import { readLabelledInput } from '../labelled-input.js';
import { withStackConnection } from '../stack-connection.js';

const USAGE = 'tidings feedback import <file.jsonl>';

/**
 * `tidings feedback import FILE.jsonl`: an operator's labelled lines, classified by the
 * configured model (so each keeps the raw scores a calibration is fitted from), stored as
 * verdicts of the operator. Importing the same file again replaces its verdicts. Broken
 * lines are named and skipped; the rest are imported, and the exit code says some were not.
 */
export async function feedbackImportCommand(file: string): Promise<number> {
  const config = loadConfig();
  const read = readLabelledInput(file, config.zeroShot.labels, USAGE);
  const { classifyLabelled, loadNliModel, modelSource } = await import('@tidings/classifier');
  const model = await loadNliModel(modelSource(config.classifier), { threads: config.classifier.threads });
  let scored: Awaited<ReturnType<typeof classifyLabelled>>;
  try {
    scored = await classifyLabelled(model, read.lines, config.zeroShot, config.classifier.batchSize);
  } finally {
    await model.dispose();
  }
  const reader = feedbackReaderId('operator', 'tidings feedback import');
  const at = new Date();
  const counts = await withStackConnection(config, async ({ redis }) => {
    const store = new FeedbackStore(redis, keySpaceOf(config), {
      perReader: config.feedback.perReader,
      total: config.feedback.max,
    });
    const c = { recorded: 0, replaced: 0, dropped: 0 };
    for (const line of scored) {
      const outcome = await store.record(importedExample(line, reader, at));
      c.recorded++;
      if (outcome.replaced) c.replaced++;
      c.dropped += outcome.dropped;
    }
    return c;
  });
  process.stderr.write(
    `${file}: ${counts.recorded} verdict(s) imported (${counts.replaced} replaced an earlier import), ${read.problems.length} line(s) skipped${counts.dropped > 0 ? `, ${counts.dropped} oldest verdict(s) dropped for FEEDBACK_PER_READER/FEEDBACK_MAX` : ''}\n`,
  );
  return read.problems.length > 0 ? 1 : 0;
}
