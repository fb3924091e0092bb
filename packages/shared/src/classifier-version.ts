import { createHash } from 'node:crypto';
import { z } from 'zod';

/** A classifier version's id: the first 12 hex digits of its definition's SHA-256. */
export const ClassifierVersionIdSchema = z.string().regex(/^[0-9a-f]{12}$/, { message: 'not a classifier version id' });

/**
 * Everything that decides what label an article gets: the model and a fingerprint of its
 * weights, the dtype, the labels and how they are asked, and the calibration in force. Two
 * classifiers with the same definition give the same scores, so they share one id.
 */
export const ClassifierVersionSchema = z.strictObject({
  id: ClassifierVersionIdSchema,
  /** The model as MODEL_ID or MODEL_DIR names it. */
  model: z.string().min(1),
  /** "sha256:<hex>" of the model's config, tokenizer and ONNX files. */
  weights: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  dtype: z.string().min(1),
  labels: z.array(z.string().min(1)).min(1),
  hypothesisTemplate: z.string().min(1),
  multiLabel: z.boolean(),
  /** The calibration the scores were made under; null: the model's own scores. */
  calibration: z.string().min(1).nullable(),
});
export type ClassifierVersion = z.infer<typeof ClassifierVersionSchema>;

/** A classifier version from its definition: the id is a hash of the rest, in a fixed order. */
export function classifierVersion(definition: Omit<ClassifierVersion, 'id'>): ClassifierVersion {
  const canonical = JSON.stringify([
    definition.model,
    definition.weights,
    definition.dtype,
    definition.labels,
    definition.hypothesisTemplate,
    definition.multiLabel,
    definition.calibration,
  ]);
  const id = createHash('sha256').update(canonical).digest('hex').slice(0, 12);
  return ClassifierVersionSchema.parse({ id, ...definition });
}
