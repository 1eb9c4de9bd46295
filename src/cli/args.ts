// Command-line parsing for `surrogate-rt`: each command declares its positionals and options, and
// parseArgs() turns argv into values or a UsageError (printed with the command's usage, exit 2).
// Supports `--name value`, `--name=value`, repeatable options, boolean flags, `-h` and `--`.

/** Wrong command-line usage: the CLI prints the message and the command's usage, and exits with 2. */
export class UsageError extends Error {
  constructor(message: string, readonly command?: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface OptionSpec {
  name: string;
  /** 'flag': present or not; 'value': one value; 'values': may be given several times. */
  kind: 'flag' | 'value' | 'values';
  /** Shown in the usage, e.g. FILE or N. */
  placeholder?: string;
  description: string;
}

export interface PositionalSpec {
  name: string;
  description: string;
}

export interface CommandSpec {
  name: string;
  /** One line for the list of commands. */
  short: string;
  summary: string;
  positionals: PositionalSpec[];
  options: OptionSpec[];
  /** Extra text after the options in --help (examples, formats). */
  details?: string;
}

export interface ParsedArgs {
  positionals: string[];
  flags: Set<string>;
  values: Map<string, string[]>;
  help: boolean;
}

/** Parses `argv` (after the command name) against `spec`. */
export function parseArgs(argv: readonly string[], spec: CommandSpec): ParsedArgs {
  const byName = new Map(spec.options.map((o) => [o.name, o]));
  const parsed: ParsedArgs = { positionals: [], flags: new Set(), values: new Map(), help: false };
  let onlyPositionals = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (onlyPositionals || !arg.startsWith('-') || arg === '-') {
      parsed.positionals.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyPositionals = true;
      continue;
    }
    if (arg === '-h' || arg === '--help') {
      parsed.help = true;
      continue;
    }
    if (!arg.startsWith('--')) throw new UsageError(`Unknown option '${arg}'`, spec.name);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const option = byName.get(name);
    if (!option) throw new UsageError(`Unknown option '--${name}'${suggest(name, [...byName.keys()])}`, spec.name);
    if (option.kind === 'flag') {
      if (eq >= 0) throw new UsageError(`Option '--${name}' takes no value`, spec.name);
      parsed.flags.add(name);
      continue;
    }
    let value: string;
    if (eq >= 0) {
      value = arg.slice(eq + 1);
    } else {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`Option '--${name}' needs a value (${option.placeholder ?? 'VALUE'})`, spec.name);
      value = next;
      i++;
    }
    const list = parsed.values.get(name) ?? [];
    if (option.kind === 'value' && list.length > 0) throw new UsageError(`Option '--${name}' was given more than once`, spec.name);
    list.push(value);
    parsed.values.set(name, list);
  }
  if (!parsed.help) {
    if (parsed.positionals.length < spec.positionals.length) {
      const missing = spec.positionals[parsed.positionals.length]!;
      throw new UsageError(`Missing argument ${missing.name} (${missing.description})`, spec.name);
    }
    if (parsed.positionals.length > spec.positionals.length) {
      throw new UsageError(`Unexpected argument '${parsed.positionals[spec.positionals.length]}'`, spec.name);
    }
  }
  return parsed;
}

/** " (did you mean '--x'?)" when a known option is one or two edits away. */
export function suggest(name: string, known: string[], prefix = '--'): string {
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of known) {
    const d = editDistance(name, k);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best === undefined ? '' : ` (did you mean '${prefix}${best}'?)`;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** The one value of option `name`, or undefined. */
export function valueOf(args: ParsedArgs, name: string): string | undefined {
  return args.values.get(name)?.[0];
}

/** A comma-separated list of positive integers, e.g. --batches 1,8,64. */
export function intList(args: ParsedArgs, name: string, fallback: number[], command: string): number[] {
  const text = valueOf(args, name);
  if (text === undefined) return fallback;
  const items = text.split(',').map((s) => s.trim());
  if (items.length === 0 || !items.every((s) => /^\d+$/.test(s) && Number(s) >= 1 && Number.isSafeInteger(Number(s)))) {
    throw new UsageError(`Expected a comma-separated list of positive integers for --${name} but received '${text}'`, command);
  }
  return items.map(Number);
}

/** A positive number, e.g. --seconds 0.5. */
export function positiveNumber(args: ParsedArgs, name: string, fallback: number, command: string): number {
  const text = valueOf(args, name);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0) throw new UsageError(`Expected a positive number for --${name} but received '${text}'`, command);
  return n;
}

/** An integer in [min, max], e.g. --port 8000 or --threads 4. */
export function integerIn(args: ParsedArgs, name: string, min: number, max: number, command: string): number | undefined {
  const text = valueOf(args, name);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) throw new UsageError(`Expected an integer between ${min} and ${max} for --${name} but received '${text}'`, command);
  return n;
}

/** --device auto|cpu|cuda|cuda:N (checked here so that a typo is a usage error, exit 2). */
export function deviceOf(args: ParsedArgs, command: string): 'auto' | 'cpu' | 'cuda' | `cuda:${number}` | undefined {
  const text = valueOf(args, 'device');
  if (text === undefined) return undefined;
  if (!/^(auto|cpu|cuda(:\d+)?)$/.test(text)) throw new UsageError(`Expected 'auto', 'cpu', 'cuda' or 'cuda:N' for --device but received '${text}'`, command);
  return text as 'auto' | 'cpu' | 'cuda' | `cuda:${number}`;
}

/** The --help text of a command. */
export function usage(spec: CommandSpec, program = 'surrogate-rt'): string {
  const lines: string[] = [];
  const positionals = spec.positionals.map((p) => `<${p.name}>`).join(' ');
  lines.push(`Usage: ${program} ${spec.name}${positionals ? ` ${positionals}` : ''} [options]`, '', spec.summary, '');
  if (spec.positionals.length > 0) {
    lines.push('Arguments:');
    for (const p of spec.positionals) lines.push(`  ${`<${p.name}>`.padEnd(26)}${p.description}`);
    lines.push('');
  }
  lines.push('Options:');
  const rows = [...spec.options, { name: 'help', kind: 'flag' as const, description: 'show this help' }];
  for (const o of rows) {
    const left = `--${o.name}${o.kind === 'flag' ? '' : ` ${o.placeholder ?? 'VALUE'}`}`;
    const desc = o.description.split('\n');
    lines.push(`  ${left.padEnd(26)}${desc[0]}`);
    for (const more of desc.slice(1)) lines.push(`  ${''.padEnd(26)}${more}`);
  }
  if (spec.details) lines.push('', spec.details.trimEnd());
  return lines.join('\n');
}
