import { describeConfig } from '@tidings/shared';

export async function configCommand(): Promise<number> {
  process.stdout.write(`${JSON.stringify(describeConfig(), null, 2)}\n`);
  return 0;
}
