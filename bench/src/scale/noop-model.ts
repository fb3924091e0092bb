import type { NliModel, PairBatch } from '@tidings/classifier';

/** A small, stable number from a string (FNV-1a), so the same pair always gets the same logit. */
export function pairHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) / 0xffffffff;
}

const words = (text: string) => (text.trim() === '' ? 0 : text.trim().split(/\s+/).length);

/**
 * A model that skips inference: what the queue, the loader and the aggregator cost on their
 * own. Pair lengths are counted in words; each pair's entailment logit comes from a hash of
 * the pair, so articles spread over every topic the way real ones do and the page has
 * groups to show.
 */
export function noopNliModel(): NliModel {
  const pairLengths = (premises: string[], hypotheses: string[]) =>
    premises.map((p, i) => words(p) + words(hypotheses[i] ?? '') + 3);
  // The "batch" carries each pair's hash (in millionths) in place of token ids; run reads it back.
  const encode = (premises: string[], hypotheses: string[]): PairBatch => ({
    dims: [premises.length, Math.max(0, ...pairLengths(premises, hypotheses))],
    inputIds: BigInt64Array.from(premises, (p, i) =>
      BigInt(Math.round(1e6 * pairHash(`${p}\n${hypotheses[i] ?? ''}`))),
    ),
    attentionMask: new BigInt64Array(premises.length),
  });
  const run = async (batch: PairBatch) =>
    Array.from(batch.inputIds, (hash) => Float32Array.from([0, 0, (4 * Number(hash)) / 1e6]));
  return {
    source: {
      id: 'no-op',
      dir: undefined,
      dtype: 'fp32',
      cacheDir: '',
      name: 'no-op',
      describe: 'the bench’s no-op model (no inference)',
    },
    // Nothing on the classify path reads the tokenizer: batches come from encode, premises are fitted with pairLengths.
    tokenizer: {} as NliModel['tokenizer'],
    maxLength: 1024,
    entailmentId: 2,
    contradictionId: 0,
    pairLengths,
    encode,
    run,
    logits: (premises, hypotheses) => run(encode(premises, hypotheses)),
    dispose: async () => {},
  };
}
