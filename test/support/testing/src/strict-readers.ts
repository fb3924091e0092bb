import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FIXTURES_DIR } from '@tidings/cli';

const ANY_ELEMENT = path.join(FIXTURES_DIR, 'schemas/any-element.rnc');
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why these bytes are not well-formed XML 1.0, or "" when they are. Read by Xerces (through
 * Debian's jing, with a schema any element passes) because the JavaScript XML parsers let
 * through what XML cannot carry: C0 controls, U+FFFE, U+FFFF, broken UTF-8.
 */
export function xmlWellFormednessError(bytes: Uint8Array): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-xml-'));
  try {
    const file = path.join(dir, 'document.xml');
    fs.writeFileSync(file, bytes);
    const result = spawnSync('jing', ['-c', ANY_ELEMENT, file], { encoding: 'utf8' });
    if (result.error) throw new Error(`jing did not run (apt-get install jing): ${result.error.message}`);
    return result.status === 0 ? '' : result.stdout.trim() || `jing exited ${result.status}: ${result.stderr}`;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * JSON read as a strict reader does: the bytes must be UTF-8, and no string or key may hold
 * half of a surrogate pair (which JSON.parse accepts from a `\ud800` escape). Throws otherwise.
 */
export function parseStrictJson(bytes: Uint8Array): unknown {
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  return JSON.parse(text, (key, value) => {
    if (LONE_SURROGATE.test(key) || (typeof value === 'string' && LONE_SURROGATE.test(value))) {
      throw new Error(`a lone surrogate in ${JSON.stringify(key)}: ${JSON.stringify(value)}`);
    }
    return value;
  });
}
