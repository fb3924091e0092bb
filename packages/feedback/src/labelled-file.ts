import { z } from 'zod';

const Text = (max: number) => z.string().max(max);

/** A line of a labelled file: the label an article belongs in, or whether it is relevant to an own topic's words. */
export const LabelledLineSchema = z.union([
  z.strictObject({ title: Text(2000), summary: Text(20_000), label: z.string().min(1).max(200) }),
  z.strictObject({
    title: Text(2000),
    summary: Text(20_000),
    topic: z.string().min(1).max(200),
    relevant: z.boolean(),
  }),
]);
export type LabelledLine = z.infer<typeof LabelledLineSchema>;

export interface LabelledFile {
  lines: { line: number; item: LabelledLine }[];
  /** Lines that could not be read, each with its 1-based number and what was wrong. */
  problems: { line: number; message: string }[];
}

function problemOf(error: z.ZodError): string {
  // A union reports each branch; the first issue of the branch that got furthest names the field.
  const issue = error.issues[0];
  if (issue?.code === 'invalid_union') {
    const branches = (issue as { errors?: z.core.$ZodIssue[][] }).errors ?? [];
    const closest = [...branches].sort((a, b) => a.length - b.length)[0]?.[0];
    if (closest?.code === 'invalid_type' && closest.message.endsWith('received undefined'))
      return `no "${closest.path.join('.')}": each line is {title, summary, label} or {title, summary, topic, relevant}`;
    if (closest) return `${closest.path.join('.') || 'line'}: ${closest.message}`;
    return 'needs {title, summary, label} or {title, summary, topic, relevant}';
  }
  return `${issue?.path.join('.') || 'line'}: ${issue?.message ?? 'invalid'}`;
}

/**
 * Reads a JSONL labelled file: every line that parses is kept, every one that does not is
 * named with its line number and what was wrong, and the rest are still read. Blank lines
 * are skipped; a line needs a title or a summary, since an empty text cannot be classified.
 */
export function readLabelledFile(text: string, labels: string[]): LabelledFile {
  const out: LabelledFile = { lines: [], problems: [] };
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      out.problems.push({ line, message: `not JSON (${(err as Error).message})` });
      return;
    }
    const parsed = LabelledLineSchema.safeParse(value);
    if (!parsed.success) {
      out.problems.push({ line, message: problemOf(parsed.error) });
      return;
    }
    const item = parsed.data;
    if (!item.title.trim() && !item.summary.trim()) {
      out.problems.push({ line, message: 'title and summary are both empty: nothing to classify' });
      return;
    }
    if ('label' in item && !labels.includes(item.label)) {
      out.problems.push({ line, message: `label '${item.label}' is not a configured label (${labels.join(', ')})` });
      return;
    }
    out.lines.push({ line, item });
  });
  return out;
}
