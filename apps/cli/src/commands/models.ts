import { loadConfig } from '@tidings/contracts';
import { UsageError } from '../errors/usage-error.js';

export async function modelsCommand(subcommand: string | undefined): Promise<number> {
  if (subcommand !== 'fetch')
    throw new UsageError(`unknown models command '${subcommand ?? ''}': try 'tidings models fetch'`);
  const config = loadConfig();
  const { downloadModel } = await import('@tidings/classifier');
  const dir = await downloadModel(config.classifier.modelId, config.classifier.cacheDir, config.classifier.dtype);
  process.stdout.write(`downloaded ${config.classifier.modelId} to ${dir}; use it offline with MODEL_DIR=${dir}\n`);
  return 0;
}
