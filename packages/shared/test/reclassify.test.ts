import { describe, expect, it } from 'vitest';
import { classifierVersion, ReclassifyRequestError, RunManifestSchema, reclassifySelection } from '../src/index.js';

const now = new Date('2026-12-07T12:00:00.000Z');
const context = { now, retentionDays: 30, labels: ['Crypto', 'Stock', 'Other'] };

describe('reclassifySelection', () => {
  it('reads days, hours and dates back from now, ending now', () => {
    expect(reclassifySelection({ since: '7d', dryRun: true }, context)).toEqual({
      since: '2026-11-30T12:00:00.000Z',
      until: '2026-12-07T12:00:00.000Z',
      dryRun: true,
    });
    expect(reclassifySelection({ since: '12h', dryRun: false, topic: 'Stock' }, context)).toMatchObject({
      since: '2026-12-07T00:00:00.000Z',
      topic: 'Stock',
    });
    expect(reclassifySelection({ since: '2026-11-20', dryRun: false }, context).since).toBe('2026-11-20T00:00:00.000Z');
  });

  it.each([
    ['yesterday', "--since 'yesterday' is not a period or a date"],
    ['2026-12-08', "--since '2026-12-08' is not in the past"],
    ['0d', "--since '0d' is not in the past"],
    ['31d', "--since '31d' is before the 30 days the store keeps (RETENTION_DAYS): those articles are gone"],
  ])('refuses --since %s, saying why and what to give', (since, message) => {
    expect(() => reclassifySelection({ since, dryRun: true }, context)).toThrow(ReclassifyRequestError);
    expect(() => reclassifySelection({ since, dryRun: true }, context)).toThrow(message);
  });

  it('refuses a topic that is not a stored label, listing the ones that are', () => {
    expect(() => reclassifySelection({ since: '7d', topic: 'Weather', dryRun: true }, context)).toThrow(
      "--topic 'Weather' is not a stored label; name one of: Crypto, Stock, Other",
    );
  });
});

describe('classifierVersion', () => {
  const definition = {
    model: 'distilbart-mnli-12-1',
    weights: `sha256:${'0'.repeat(64)}`,
    dtype: 'fp32',
    labels: ['Crypto', 'Stock'],
    hypothesisTemplate: 'This example is about {}.',
    multiLabel: false,
    calibration: null,
  };

  it('is the same id for the same definition, and a new one when anything that decides a label changes', () => {
    const id = classifierVersion(definition).id;
    expect(id).toMatch(/^[0-9a-f]{12}$/);
    expect(classifierVersion({ ...definition }).id).toBe(id);
    const changes = [
      { weights: `sha256:${'1'.repeat(64)}` },
      { dtype: 'q8' },
      { labels: ['Stock', 'Crypto'] },
      { hypothesisTemplate: 'This is about {}.' },
      { multiLabel: true },
      { calibration: 'cal-1' },
      { model: 'other-model' },
    ];
    const ids = changes.map((change) => classifierVersion({ ...definition, ...change }).id);
    expect(new Set([id, ...ids]).size).toBe(changes.length + 1);
  });
});

describe('a reclassify run manifest', () => {
  const base = { runId: 'reclassify-1', startedAt: now.toISOString(), feeds: ['stored articles'] };
  const selection = { since: now.toISOString(), until: now.toISOString(), dryRun: true };

  it('names its selection exactly when its trigger is reclassify', () => {
    expect(RunManifestSchema.safeParse({ ...base, trigger: 'reclassify', reclassify: selection }).success).toBe(true);
    expect(RunManifestSchema.safeParse({ ...base, trigger: 'reclassify' }).success).toBe(false);
    expect(RunManifestSchema.safeParse({ ...base, trigger: 'manual', reclassify: selection }).success).toBe(false);
  });
});
