/**
 * Raw onnxruntime-node in a process of its own, as a classifier process is: reads
 * { modelFile, threads, batches } on stdin, runs each batch once after a warm-up, and writes
 * { seconds, peakRssMb } on stdout. Run by raw-runtime.ts.
 */
import fs from 'node:fs';
import * as ort from 'onnxruntime-node';

interface Input {
  modelFile: string;
  threads: number;
  batches: { dims: [number, number]; inputIds: string[]; attentionMask: string[] }[];
}

const input = JSON.parse(fs.readFileSync(0, 'utf8')) as Input;
const session = await ort.InferenceSession.create(input.modelFile, {
  intraOpNumThreads: input.threads,
  interOpNumThreads: 1,
  executionProviders: ['cpu'],
});
const feeds = input.batches.map((b) => ({
  input_ids: new ort.Tensor('int64', BigInt64Array.from(b.inputIds, BigInt), b.dims),
  attention_mask: new ort.Tensor('int64', BigInt64Array.from(b.attentionMask, BigInt), b.dims),
}));
if (feeds[0]) await session.run(feeds[0]);
const seconds: number[] = [];
for (const feed of feeds) {
  const t = performance.now();
  await session.run(feed);
  seconds.push((performance.now() - t) / 1000);
}
const hwm = Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024;
process.stdout.write(JSON.stringify({ seconds, peakRssMb: hwm }));
