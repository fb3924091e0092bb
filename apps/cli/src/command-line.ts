import { parseArgs } from 'node:util';
import { UnreadableValueError } from './errors/unreadable-value-error.js';
import { UsageError } from './errors/usage-error.js';

/** A flag that is there or not: `--wait`. */
export interface SwitchFlag {
  kind: 'switch';
  short?: string;
}

/** A flag with one value, read (and refused when unreadable) before the command runs: `--timeout 90`. */
export interface ValueFlag<T, Required extends boolean = boolean> {
  kind: 'value';
  /** Stands for the value in the usage line: `--timeout S`. */
  placeholder: string;
  required: Required;
  /** The value as the command uses it; throws an UnreadableValueError saying what a readable value looks like. */
  read(raw: string): T;
}

/** A flag given as often as needed: `--feed A --feed B`. */
export interface RepeatedFlag {
  kind: 'repeated';
  placeholder: string;
}

export type Flag = SwitchFlag | ValueFlag<unknown> | RepeatedFlag;
export type Flags = Record<string, Flag>;

export type FlagValues<F extends Flags> = {
  [K in keyof F]: F[K] extends SwitchFlag
    ? boolean
    : F[K] extends RepeatedFlag
      ? string[]
      : F[K] extends ValueFlag<infer T, infer Required>
        ? Required extends true
          ? T
          : T | undefined
        : never;
};

/** A word after the command: `feeds add <url>`. */
export interface Positional {
  name: string;
  /** Takes every remaining word (joined by the command): `classify "text"`. */
  rest?: boolean;
  /** May be left out: `reclassify report [<run>]`. */
  optional?: boolean;
  /** Throws an UnreadableValueError when the word cannot be what the command needs. */
  check?: (raw: string) => void;
}

export interface CommandSpec<F extends Flags = Flags> {
  /** One word, or two for a command with actions: `feeds add`. */
  name: string;
  /** What it does, for `tidings --help` and `tidings <command> --help`. */
  summary: string;
  flags: F;
  positionals?: Positional[];
  /** The exit code, or undefined while what it started keeps running (start, demo). */
  run(input: { flags: FlagValues<F>; args: string[] }): Promise<number | undefined>;
}

export const defineCommand = <F extends Flags>(spec: CommandSpec<F>): CommandSpec<F> => spec;

const wholeNumber = (raw: string, what: string, { min, max }: { min: number; max: number }): number => {
  const n = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(n >= min && n <= max)) throw new UnreadableValueError(`'${raw}' is not ${what}`);
  return n;
};

const text = (raw: string): string => {
  if (raw.trim() === '') throw new UnreadableValueError('must not be empty');
  return raw;
};

/** The flag kinds every command builds its flags from. */
export const flag = {
  switch: (options: { short?: string } = {}): SwitchFlag => ({ kind: 'switch', ...options }),
  repeated: (placeholder: string): RepeatedFlag => ({ kind: 'repeated', placeholder }),
  text: (placeholder: string): ValueFlag<string, false> => ({
    kind: 'value',
    placeholder,
    required: false,
    read: text,
  }),
  /** A text the command cannot do without: `--name N`. */
  requiredText: (placeholder: string): ValueFlag<string, true> => ({
    kind: 'value',
    placeholder,
    required: true,
    read: text,
  }),
  choice: <const C extends string>(choices: readonly C[]): ValueFlag<C, false> => ({
    kind: 'value',
    placeholder: choices.join('|'),
    required: false,
    read: (raw) => {
      if (!(choices as readonly string[]).includes(raw))
        throw new UnreadableValueError(`'${raw}' is not one of ${choices.join(', ')}`);
      return raw as C;
    },
  }),
  seconds: (): ValueFlag<number, false> => ({
    kind: 'value',
    placeholder: 'S',
    required: false,
    read: (raw) => wholeNumber(raw, 'a whole number of seconds, 1 or more', { min: 1, max: 31_536_000 }),
  }),
  port: (): ValueFlag<number, false> => ({
    kind: 'value',
    placeholder: 'N',
    required: false,
    read: (raw) => wholeNumber(raw, 'a port number from 1 to 65535', { min: 1, max: 65_535 }),
  }),
};

/** Flags every command takes. */
export const GLOBAL_FLAGS = {
  help: flag.switch({ short: 'h' }),
  'data-dir': flag.text('DIR'),
} satisfies Flags;

const flagUsage = (name: string, f: Flag): string => {
  if (f.kind === 'switch') return `[--${name}]`;
  if (f.kind === 'repeated') return `[--${name} ${f.placeholder}]...`;
  return f.required ? `--${name} ${f.placeholder}` : `[--${name} ${f.placeholder}]`;
};

/** `run [--feed F]... [--reclassify] [--wait] [--timeout S]`, made from the spec so it cannot drift from it. */
export function usageLine(spec: CommandSpec): string {
  const flags = Object.entries(spec.flags).map(([name, f]) => flagUsage(name, f));
  const words = (spec.positionals ?? []).map((p) =>
    p.rest ? `"${p.name}"` : p.optional ? `[<${p.name}>]` : `<${p.name}>`,
  );
  return ['tidings', spec.name, ...flags, ...words].join(' ');
}

export const GENERAL_USAGE = "tidings <command> [options]; 'tidings --help' lists the commands";

export type ParsedCommandLine =
  | { kind: 'help'; spec?: CommandSpec }
  | { kind: 'command'; spec: CommandSpec; flags: FlagValues<Flags>; args: string[]; dataDir?: string };

const usageError = (message: string, spec?: CommandSpec) =>
  new UsageError(message, { usage: spec ? usageLine(spec) : GENERAL_USAGE });

/**
 * Every flag any command knows, so that a value after a flag is never taken for the command's
 * name; one name is one kind of flag in every command, or that would not hold.
 */
function knownFlags(commands: readonly CommandSpec[]): Flags {
  const known: Flags = { ...GLOBAL_FLAGS };
  for (const [name, f] of commands.flatMap((c) => Object.entries(c.flags))) {
    const before = known[name];
    if (before && (before.kind === 'switch') !== (f.kind === 'switch'))
      throw new Error(`--${name} is a switch in one command and takes a value in another`);
    known[name] = f;
  }
  return known;
}

function findCommand(words: string[], commands: readonly CommandSpec[]): { spec: CommandSpec; used: number } {
  const [first, second] = words;
  const two = commands.find((c) => c.name === `${first} ${second}`);
  if (two) return { spec: two, used: 2 };
  const one = commands.find((c) => c.name === first);
  if (one) return { spec: one, used: 1 };
  const actions = commands.filter((c) => c.name.startsWith(`${first} `));
  if (actions.length > 0) {
    throw new UsageError(second === undefined ? `${first} needs an action` : `unknown ${first} command '${second}'`, {
      // tidings feeds list | add <url> | ...
      usage: actions
        .map((c, i) => (i === 0 ? usageLine(c) : usageLine(c).slice(`tidings ${first} `.length)))
        .join(' | '),
    });
  }
  throw usageError(`unknown command '${first}'`);
}

/**
 * Reads a command line against the commands' specs, before anything is started or connected:
 * an unknown command or flag, a flag without its value, an unreadable value or a missing word
 * is a UsageError carrying the command's usage line.
 */
export function parseCommandLine(argv: string[], commands: readonly CommandSpec[]): ParsedCommandLine {
  const known = knownFlags(commands);
  const { tokens } = parseArgs({
    args: argv,
    strict: false,
    allowPositionals: true,
    tokens: true,
    options: Object.fromEntries(
      Object.entries(known).map(([name, f]) => [
        name,
        f.kind === 'switch'
          ? { type: 'boolean' as const, ...(f.short ? { short: f.short } : {}) }
          : { type: 'string' as const },
      ]),
    ),
  });
  const words = tokens.flatMap((t) => (t.kind === 'positional' ? [t.value] : []));
  const options = tokens.flatMap((t) => (t.kind === 'option' ? [t] : []));
  const help = options.some((o) => o.name === 'help');
  // Flags alone (`tidings --data-dir d`) were meant for a command that is missing.
  if (words.length === 0 && !help && options.length > 0) throw usageError('no command given');
  if (words.length === 0 || words[0] === 'help') return { kind: 'help' };
  const { spec, used } = findCommand(words, commands);
  if (help) return { kind: 'help', spec };

  const flags: Flags = { ...GLOBAL_FLAGS, ...spec.flags };
  const values: Record<string, unknown> = {};
  for (const option of options) {
    const f = Object.hasOwn(flags, option.name) ? flags[option.name] : undefined;
    if (!f) throw usageError(`${spec.name} has no option ${option.rawName}`, spec);
    if (f.kind === 'switch') {
      if (option.value !== undefined) throw usageError(`${option.rawName} takes no value`, spec);
      values[option.name] = true;
      continue;
    }
    // `--name --topics A`: the next flag is not the value of the one before it.
    if (option.value === undefined || (!option.inlineValue && option.value.startsWith('--')))
      throw usageError(`${option.rawName} needs a value (${option.rawName} ${f.placeholder})`, spec);
    if (f.kind === 'repeated') {
      values[option.name] = [...((values[option.name] as string[] | undefined) ?? []), option.value];
      continue;
    }
    try {
      values[option.name] = f.read(option.value);
    } catch (err) {
      if (!(err instanceof UnreadableValueError)) throw err;
      throw usageError(`${option.rawName}: ${err.message}`, spec);
    }
  }
  for (const [name, f] of Object.entries(spec.flags)) {
    if (f.kind === 'repeated') values[name] ??= [];
    if (f.kind === 'switch') values[name] ??= false;
    if (f.kind === 'value' && f.required && values[name] === undefined)
      throw usageError(`${spec.name} needs --${name} ${f.placeholder}`, spec);
  }

  const args = words.slice(used);
  const positionals = spec.positionals ?? [];
  const takesRest = positionals.some((p) => p.rest);
  if (!takesRest && args.length > positionals.length)
    throw usageError(`${spec.name} does not take '${args[positionals.length]}'`, spec);
  positionals.forEach((p, i) => {
    const word = args[i];
    if (word === undefined && p.optional) return;
    if (word === undefined || word.trim() === '') throw usageError(`${spec.name} needs <${p.name}>`, spec);
    try {
      p.check?.(word);
    } catch (err) {
      if (!(err instanceof UnreadableValueError)) throw err;
      throw usageError(`<${p.name}> ${err.message}`, spec);
    }
  });
  const { help: _help, 'data-dir': dataDir, ...commandFlags } = values;
  return {
    kind: 'command',
    spec,
    // Read from this very spec's flags, so they are the values its run expects.
    flags: commandFlags as FlagValues<Flags>,
    args,
    ...(typeof dataDir === 'string' ? { dataDir } : {}),
  };
}

/** `tidings --help`: every command's usage line and what it does. */
export function helpText(intro: string, commands: readonly CommandSpec[], outro: string): string {
  const lines = commands.map((c) => `  ${usageLine(c).slice('tidings '.length)}\n${indent(c.summary, 6)}`);
  return `${intro}\nCommands:\n${lines.join('\n')}\n  help, --help\n${indent('This text; tidings <command> --help shows one command.', 6)}\n\n${outro}`;
}

export function commandHelp(spec: CommandSpec): string {
  return `Usage: ${usageLine(spec)}\n\n${indent(spec.summary, 2)}\n`;
}

const indent = (text: string, n: number) =>
  text
    .split('\n')
    .map((l) => `${' '.repeat(n)}${l}`)
    .join('\n');
