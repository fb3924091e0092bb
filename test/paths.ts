import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const TINY_MODEL_DIR = path.join(ROOT, 'services/classifier/models/tiny-nli');
export const FIXTURES = path.join(ROOT, 'fixtures');
export const CNBC_FIXTURE = path.join(FIXTURES, 'feeds/cnbc-finance.xml');
