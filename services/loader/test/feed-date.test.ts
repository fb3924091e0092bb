import { describe, expect, it } from 'vitest';
import { parseFeedDate } from '../src/feed-date.js';

describe('parseFeedDate', () => {
  it.each([
    ['Tue, 24 Nov 2026 20:41:13 GMT', '2026-11-24T20:41:13.000Z'],
    ['24 Nov 2026 20:41:13 +0100', '2026-11-24T19:41:13.000Z'],
    ['Tue, 24 Nov 26 20:41 EST', '2026-11-25T01:41:00.000Z'],
    ['Tue, 4 Nov 2026 20:41:13', '2026-11-04T20:41:13.000Z'],
    ['Tuesday, 24-November-2026 20:41:13 -05:00', '2026-11-25T01:41:13.000Z'],
    ['2026-11-24T16:30:00+01:00', '2026-11-24T15:30:00.000Z'],
    ['2026-11-24T16:30:00.25Z', '2026-11-24T16:30:00.250Z'],
    ['2026-11-24 16:30Z', '2026-11-24T16:30:00.000Z'],
    ['20261124T163000Z', '2026-11-24T16:30:00.000Z'],
    ['2026-11-24', '2026-11-24T00:00:00.000Z'],
    ['2026-11', '2026-11-01T00:00:00.000Z'],
  ])('%s is %s', (raw, iso) => {
    expect(parseFeedDate(raw)).toBe(iso);
  });

  it.each(['', 'Someday', '2026-02-31', '2026-13-01', '31 Foo 2026', 'Tue, 24 Nov 2026 20:41:13 XYZ'])(
    'names no instant in %j',
    (raw) => {
      expect(parseFeedDate(raw)).toBeUndefined();
    },
  );
});
