import { describe, expect, it } from 'vitest';
import { readLabelledFile } from '../src/index.js';

describe('readLabelledFile', () => {
  it('reads every good line and names each broken one with its line number and what was wrong', () => {
    const text = [
      '{"title": "SEC fines broker", "summary": "", "label": "SEC"}',
      '{"title": "broken',
      '',
      '{"title": "Stocks up", "summary": "Dow rallies", "label": "Gold"}',
      '{"title": "Bitcoin miners", "summary": "", "topic": "bitcoin miners", "relevant": true}',
      '{"title": "", "summary": " ", "label": "SEC"}',
      '{"title": "No verdict", "summary": "x"}',
      '{"title": "Dividend raised", "summary": "payout up", "label": "Dividend"}',
    ].join('\n');
    const read = readLabelledFile(text, ['SEC', 'Stock', 'Dividend']);
    expect(read.lines.map((l) => l.line)).toEqual([1, 5, 8]);
    expect(read.problems.map((p) => p.line)).toEqual([2, 4, 6, 7]);
    expect(read.problems[0]?.message).toMatch(/^not JSON/);
    expect(read.problems[1]?.message).toBe("label 'Gold' is not a configured label (SEC, Stock, Dividend)");
    expect(read.problems[2]?.message).toMatch(/nothing to classify/);
    expect(read.problems[3]?.message).toBe(
      'no "label": each line is {title, summary, label} or {title, summary, topic, relevant}',
    );
  });
});
