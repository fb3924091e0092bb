import fs from 'node:fs';
import { type LabelledFile, readLabelledFile } from '@tidings/feedback';
import { UsageError } from './errors/usage-error.js';

/**
 * A labelled JSONL file read before anything loads: each broken line named on stderr with
 * its number and what was wrong, the rest kept. Unreadable, or no line usable: a usage error.
 */
export function readLabelledInput(file: string, labels: string[], usage: string): LabelledFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(
      `${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
      { usage },
    );
  }
  const read = readLabelledFile(text, labels);
  for (const p of read.problems) process.stderr.write(`tidings: ${file}:${p.line}: ${p.message}; line skipped\n`);
  if (read.lines.length === 0)
    throw new UsageError(
      `${file}: no usable line; each line is {"title", "summary", "label"} or {"title", "summary", "topic", "relevant"}`,
      { usage },
    );
  return read;
}
