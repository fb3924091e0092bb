import fs from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CONFIG_GROUPS, CONFIG_VARS, configurationDoc, describeDrift, envExample } from '../src/index.js';

const ROOT = path.join(import.meta.dirname, '../../..');
const read = (file: string) =>
  fs.existsSync(path.join(ROOT, file)) ? fs.readFileSync(path.join(ROOT, file), 'utf8') : undefined;

describe('the generated configuration documents', () => {
  // Settings are added all the time: the message names each one and says how to regenerate.
  it.each([configurationDoc(CONFIG_VARS), envExample(CONFIG_VARS)])('$path is what CONFIG_VARS makes', (doc) => {
    const drift = describeDrift(doc, read(doc.path));
    expect(drift, drift).toBeUndefined();
  });

  it('docs/configuration.md has every setting once, under its group, with its default and whether it is secret', () => {
    const text = configurationDoc(CONFIG_VARS).text;
    for (const [name, spec] of Object.entries(CONFIG_VARS)) {
      const rows = text.split('\n').filter((line) => line.startsWith(`| \`${name}\` |`));
      expect(rows, name).toHaveLength(1);
      const section =
        text
          .slice(0, text.indexOf(rows[0] ?? ''))
          .split('\n## ')
          .at(-1) ?? '';
      expect(section.startsWith(CONFIG_GROUPS[spec.group]), name).toBe(true);
      expect(rows[0], name).toContain(spec.secret ? '| secret |' : '|  |');
    }
    expect(text).toContain("| `CLASSIFIER_THREADS` | this machine's cores |");
    expect(text).toContain('| `REDIS_URL` | (unset) | secret |');
  });

  it('.env.example, read as the CLI reads .env, sets every setting it sets to its default, and no secret', () => {
    const set = parseEnv(envExample(CONFIG_VARS).text);
    const expected = Object.fromEntries(
      Object.entries(CONFIG_VARS)
        .filter(([, spec]) => spec.default !== undefined && !spec.secret && spec.defaultShown === undefined)
        .map(([name, spec]) => [name, spec.default]),
    );
    expect(set).toEqual(expected);
    // Values with spaces, <, {} and * survive the dotenv reader unchanged.
    expect(set.NOTIFY_EMAIL_FROM).toBe('tidings <tidings@localhost>');
    expect(set.DIGEST_CRON).toBe('0 6 * * *');
  });

  it('are the same on every machine: a default that depends on it is stated in words', () => {
    const elsewhere = { ...CONFIG_VARS, CLASSIFIER_THREADS: { ...CONFIG_VARS.CLASSIFIER_THREADS, default: '977' } };
    expect(configurationDoc(elsewhere).text).toBe(configurationDoc(CONFIG_VARS).text);
    expect(envExample(elsewhere).text).toBe(envExample(CONFIG_VARS).text);
  });

  it('a drifted copy is reported by the setting that drifted, and says to run pnpm docs', () => {
    const doc = envExample(CONFIG_VARS);
    const drifted = doc.text
      .replace('LOG_LEVEL=info', 'LOG_LEVEL=debug')
      .replace(/# [^\n]*\nDIGEST_TZ=UTC\n\n/, '')
      .concat('\n# Gone.\nNO_LONGER_A_SETTING=1\n');
    expect(describeDrift(doc, drifted)).toBe(
      '.env.example is out of date: DIGEST_TZ is missing, NO_LONGER_A_SETTING is no longer in the code, LOG_LEVEL differs; run `pnpm docs` to regenerate it',
    );
    expect(describeDrift(doc, undefined)).toBe('.env.example does not exist; run `pnpm docs` to regenerate it');
  });
});
