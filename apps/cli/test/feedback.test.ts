import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FIXTURES, runTidings, TINY_MODEL_DIR, testPrefix, testRedisUrl } from '@tidings/testing';
import { afterAll, describe, expect, it } from 'vitest';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-feedback-cli-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const evalSet = (name: string) => path.join(FIXTURES, 'eval', `${name}.jsonl`);
const envFor = (prefix: string) => ({ REDIS_URL: testRedisUrl(), TIDINGS_PREFIX: prefix, MODEL_DIR: TINY_MODEL_DIR });

interface Summary {
  macroF1: number;
  ece: number;
}
interface EvalJson {
  calibration: { id: string } | null;
  labels: { before: Summary; after: Summary };
}

describe('tidings feedback import, calibrate and eval on the shipped labelled set', () => {
  it('learns from one half and scores the held-out half better; a reset goes back to the model', async () => {
    const env = envFor(testPrefix());
    // The feedback half, and two lines an operator's file might break.
    const file = path.join(scratch, 'feedback.jsonl');
    fs.writeFileSync(
      file,
      `${fs.readFileSync(evalSet('feedback-half'), 'utf8')}{"title": "cut off\n{"title": "Gold up", "summary": "", "label": "Gold"}\n`,
    );
    const imported = await runTidings(['feedback', 'import', file], env);
    expect(imported.code, imported.stderr).toBe(1);
    expect(imported.stderr).toContain(`${file}:85: not JSON`);
    expect(imported.stderr).toContain(`${file}:86: label 'Gold' is not a configured label`);
    expect(imported.stderr).toContain('84 verdict(s) imported (0 replaced an earlier import), 2 line(s) skipped');

    const calibrated = await runTidings(['calibrate', '--json'], env);
    expect(calibrated.code, calibrated.stderr).toBe(0);
    const fit = JSON.parse(calibrated.stdout);
    expect(fit.adopted).toBe(true);
    expect(fit.calibration.report.labels.after.macroF1).toBeGreaterThan(fit.calibration.report.labels.before.macroF1);

    const evaluated = await runTidings(['eval', evalSet('held-out-half'), '--json'], env);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const report: EvalJson = JSON.parse(evaluated.stdout);
    expect(report.calibration?.id).toBe(fit.calibration.id);
    expect(report.labels.after.macroF1).toBeGreaterThan(report.labels.before.macroF1);
    expect(report.labels.after.ece).toBeLessThan(report.labels.before.ece);

    const onTraining = await runTidings(['eval', evalSet('feedback-half')], env);
    expect(onTraining.stderr).toContain('84 of these lines are stored verdicts the calibration may have learned from');
    const text = await runTidings(['eval', evalSet('held-out-half')], env);
    expect(text.stderr).not.toContain('stored verdicts the calibration may have learned from');
    expect(text.stdout).toMatch(/Shared labels, the model's own scores: macro-F1 0\.\d{3}/);
    expect(text.stdout).toContain(`under calibration ${fit.calibration.id} (learned from 84 verdicts)`);
    expect(text.stdout).toMatch(/confusion \(rows: right label, columns: classified as\)/);

    expect((await runTidings(['calibrate', '--reset'], env)).stderr).toContain(
      `calibration ${fit.calibration.id} is no longer in force`,
    );
    const afterReset: EvalJson = JSON.parse(
      (await runTidings(['eval', evalSet('held-out-half'), '--json'], env)).stdout,
    );
    expect(afterReset.calibration).toBeNull();
    expect(afterReset.labels.after.macroF1).toBe(afterReset.labels.before.macroF1);
  });

  it('refuses a calibration learned from random verdicts, so the held-out score never drops', async () => {
    const env = envFor(testPrefix());
    expect((await runTidings(['feedback', 'import', evalSet('noise-half')], env)).code).toBe(0);
    const calibrated = await runTidings(['calibrate'], env);
    expect(calibrated.code, calibrated.stderr).toBe(0);
    expect(calibrated.stdout).toMatch(/Shared labels: refused: .*not clearly better than the model's own scores/);
    expect(calibrated.stdout).toContain('refused; the calibration in force is unchanged');
    const report: EvalJson = JSON.parse((await runTidings(['eval', evalSet('held-out-half'), '--json'], env)).stdout);
    expect(report.calibration).toBeNull();
    expect(report.labels.after.macroF1).toBe(report.labels.before.macroF1);
  });

  it('evaluates the stored verdicts with a calibration that never saw the verdict it scores', async () => {
    const env = envFor(testPrefix());
    await runTidings(['feedback', 'import', evalSet('feedback-half')], env);
    const result = await runTidings(['eval', '--feedback'], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('calibrated by 5-fold cross-validation (each verdict by a fit on the others)');
    const usage = await runTidings(['eval', evalSet('held-out-half'), '--feedback'], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('name a labelled file or --feedback, not both or neither');
  });

  it("learns an own topic's threshold from relevant / not relevant verdicts and matches more of what its readers want", async () => {
    const env = envFor(testPrefix());
    const before = await runTidings(['eval', evalSet('own-topic-held-out-half')], env);
    expect(before.stdout).toContain('No calibration in force');
    expect((await runTidings(['feedback', 'import', evalSet('own-topic-feedback-half')], env)).code).toBe(0);
    const fit = JSON.parse((await runTidings(['calibrate', '--json'], env)).stdout);
    expect(fit.adopted).toBe(true);
    expect(fit.calibration.report.labels.adopted).toBe(false);
    expect(fit.calibration.report.own.adopted).toBe(true);
    const [learned] = Object.values(fit.calibration.ownThresholds) as { threshold: number; votes: number }[];
    // Shrunk toward OWN_TOPIC_THRESHOLD (0.8) from where the 22 votes alone would put it.
    expect(learned?.votes).toBe(22);
    expect(learned?.threshold).toBeLessThan(0.73);
    expect(learned?.threshold).toBeGreaterThan(0.5);
    const report = JSON.parse((await runTidings(['eval', evalSet('own-topic-held-out-half'), '--json'], env)).stdout);
    expect(report.own.after.accuracy).toBeGreaterThan(report.own.before.accuracy);
    expect(report.own.after.macroF1).toBeGreaterThan(report.own.before.macroF1);
  });
});
