import { CalibrationStore, calibrateOptions, FeedbackStore, runCalibration } from '@tidings/feedback';
import { keySpaceOf, loadConfig } from '@tidings/shared';
import { formatCalibration } from '../format-evaluation.js';
import { withStackConnection } from '../stack-connection.js';

/**
 * `tidings calibrate`: fits a calibration from every stored verdict, reports what k-fold
 * cross-validation measured, and puts it in force only when it beats the model's own scores.
 * `--reset`: back to the model's own scores (every fit stays in the history).
 */
export async function calibrateCommand(options: { reset: boolean; json: boolean }): Promise<number> {
  const config = loadConfig();
  return withStackConnection(config, async ({ redis }) => {
    const space = keySpaceOf(config);
    const calibrations = new CalibrationStore(redis, space);
    if (options.reset) {
      const was = await calibrations.currentId();
      await calibrations.reset();
      if (options.json) process.stdout.write(`${JSON.stringify({ reset: true, was })}\n`);
      else
        process.stderr.write(
          was
            ? `calibration ${was} is no longer in force: the model's own scores from the next article on\n`
            : 'no calibration was in force\n',
        );
      return 0;
    }
    const fitted = await runCalibration({
      feedback: new FeedbackStore(redis, space, { perReader: config.feedback.perReader, total: config.feedback.max }),
      calibrations,
      options: calibrateOptions(config),
      onBadRecord: (id, reason) => process.stderr.write(`tidings: skipped stored example ${id}: ${reason}\n`),
    });
    if (!fitted) return 1;
    if (options.json)
      process.stdout.write(`${JSON.stringify({ adopted: fitted.adopt, calibration: fitted.calibration })}\n`);
    else process.stdout.write(formatCalibration(fitted.calibration, fitted.adopt));
    return 0;
  });
}
