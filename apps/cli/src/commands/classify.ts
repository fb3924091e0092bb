import { loadConfig } from '@tidings/shared';

export interface ClassifyFlags {
  modelDir?: string;
  labels?: string;
  dtype?: string;
}

export async function classifyCommand(text: string, flags: ClassifyFlags): Promise<number> {
  const config = loadConfig({
    ...process.env,
    ...(flags.modelDir ? { MODEL_DIR: flags.modelDir } : {}),
    ...(flags.labels ? { LABELS: flags.labels } : {}),
    ...(flags.dtype ? { MODEL_DTYPE: flags.dtype } : {}),
  });
  // Loaded on demand: the model runtime takes a second or two to import, which no other command needs.
  const { classifyText, loadNliModel, modelSource } = await import('@tidings/classifier');
  const model = await loadNliModel(modelSource(config.classifier), { threads: config.classifier.threads });
  const result = await classifyText(model, text, config.zeroShot);
  process.stdout.write(`${JSON.stringify({ ...result, model: model.source.name, dtype: model.source.dtype })}\n`);
  await model.dispose();
  return 0;
}
