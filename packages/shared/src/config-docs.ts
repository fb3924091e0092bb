import { CONFIG_GROUPS, type ConfigGroup, type VarSpec } from './config-vars.js';
import { type GeneratedDoc, generatedNotice, markdownText } from './generated-doc.js';

type Vars = Record<string, VarSpec<unknown>>;

const SOURCE = 'packages/shared/src/config-vars.ts (CONFIG_VARS)';

/** The settings of each group, groups in CONFIG_GROUPS's order and settings in the table's. */
function grouped(vars: Vars): [ConfigGroup, [string, VarSpec<unknown>][]][] {
  return (Object.keys(CONFIG_GROUPS) as ConfigGroup[])
    .map((group): [ConfigGroup, [string, VarSpec<unknown>][]] => [
      group,
      Object.entries(vars).filter(([, spec]) => spec.group === group),
    ])
    .filter(([, members]) => members.length > 0);
}

const cell = (text: string) => markdownText(text).replace(/\|/g, '\\|');

function shownDefault(spec: VarSpec<unknown>): string {
  if (spec.defaultShown !== undefined) return spec.defaultShown;
  return spec.default === undefined ? '(unset)' : `\`${cell(spec.default)}\``;
}

/** docs/configuration.md: every setting, by group, with its default, whether it is secret, and what it does. */
export function configurationDoc(vars: Vars): GeneratedDoc {
  const entries: GeneratedDoc['entries'] = [];
  const sections = grouped(vars).map(([group, members]) => {
    const rows = members.map(([name, spec]) => {
      const text = `| \`${name}\` | ${shownDefault(spec)} | ${spec.secret ? 'secret' : ''} | ${cell(spec.description)} |`;
      entries.push({ name, text });
      return text;
    });
    return [
      `## ${CONFIG_GROUPS[group]}`,
      '',
      '| Variable | Default | Secret | Meaning |',
      '| --- | --- | --- | --- |',
      ...rows,
    ].join('\n');
  });
  const text = [
    '# Configuration',
    '',
    `<!-- ${generatedNotice(SOURCE)} -->`,
    '',
    'Every setting is an environment variable; the CLI also reads a `.env` file in the working',
    'directory (`.env.example` lists every setting with its default). A bad value stops the',
    'service at start with one line naming the variable, e.g.',
    "`DIGEST_CRON: not a valid cron pattern: '61 * * * *'`. `pnpm tidings config` prints the",
    'effective values. A secret setting is masked wherever tidings shows it (`tidings config`,',
    'errors, logs, pages).',
    '',
    ...sections.flatMap((s) => [s, '']),
  ].join('\n');
  return { path: 'docs/configuration.md', text, entries, entryName: /^\| `([A-Z][A-Z0-9_]*)` \|/gm };
}

/** A value as a .env line holds it: quoted only when the dotenv reader would otherwise cut or change it. */
function envValue(value: string): string {
  if (!/[#"'`\n]|^\s|\s$/.test(value)) return value;
  return value.includes('"') ? `'${value}'` : `"${value}"`;
}

/**
 * .env.example: every setting with its meaning; a line that sets it to its default, or an
 * empty one commented out when it is a secret, unset by default, or depends on the machine.
 */
export function envExample(vars: Vars): GeneratedDoc {
  const entries: GeneratedDoc['entries'] = [];
  const sections = grouped(vars).map(([group, members]) => {
    const blocks = members.map(([name, spec]) => {
      const lines = [`# ${spec.description}`];
      const set = spec.default !== undefined && !spec.secret && spec.defaultShown === undefined;
      // A secret's line is left for its owner to fill; a machine's own default has no one value to write.
      const unwritten = spec.defaultShown ?? spec.default;
      if (!set && unwritten !== undefined) lines.push(`# Default: ${unwritten}.`);
      lines.push(set ? `${name}=${envValue(spec.default ?? '')}` : `# ${name}=`);
      const text = lines.join('\n');
      entries.push({ name, text });
      return text;
    });
    return [`# ==== ${CONFIG_GROUPS[group]} ====`, '', blocks.join('\n\n')].join('\n');
  });
  const text = [
    `# ${generatedNotice(SOURCE)}`,
    '# Copy it to .env and change what you need.',
    '',
    sections.join('\n\n'),
    '',
  ].join('\n');
  return { path: '.env.example', text, entries, entryName: /^(?:# )?([A-Z][A-Z0-9_]*)=/gm };
}
