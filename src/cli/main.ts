#!/usr/bin/env node
// `surrogate-rt`, the command line: info, predict, bench and serve (one file each in src/cli).
// Exit codes: 0 success, 1 the command failed (a model or input error, a file that cannot be
// read), 2 wrong usage (an unknown command or option, a missing or malformed argument).
import { readFileSync } from 'node:fs';
import { SurrogateError } from '../errors.js';
import { parseArgs, suggest, usage, UsageError, type CommandSpec, type ParsedArgs } from './args.js';
import { benchCommand, benchSpec } from './bench.js';
import { infoCommand, infoSpec } from './info.js';
import { NpyError } from './npy.js';
import { predictCommand, predictSpec } from './predict.js';
import { serveCommand, serveSpec } from './serve.js';

interface Command {
  spec: CommandSpec;
  run(args: ParsedArgs): Promise<void>;
}

const COMMANDS: Command[] = [
  { spec: infoSpec, run: infoCommand },
  { spec: predictSpec, run: predictCommand },
  { spec: benchSpec, run: benchCommand },
  { spec: serveSpec, run: serveCommand },
];

function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function mainUsage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.spec.name.length)) + 2;
  return [
    'Usage: surrogate-rt <command> [options]',
    '',
    'Runs ONNX surrogate models on surrogate-rt\'s engine (CPU or CUDA), from the command line.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.spec.name.padEnd(width)}${c.spec.short}`),
    '',
    'Options:',
    '  --version     print the version',
    '  --help        show this help',
    '',
    "Run 'surrogate-rt <command> --help' for a command's arguments and options.",
  ].join('\n');
}

/** Runs the CLI on `argv` (without node and the script) and returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) return usageError(new UsageError('Missing command'));
  if (first === '--help' || first === '-h') {
    process.stdout.write(`${mainUsage()}\n`);
    return 0;
  }
  if (first === '--version' || first === '-v') {
    process.stdout.write(`surrogate-rt ${version()}\n`);
    return 0;
  }
  // `surrogate-rt help <command>` is `surrogate-rt <command> --help`.
  if (first === 'help') {
    const target = COMMANDS.find((c) => c.spec.name === rest[0]);
    if (rest.length === 0) {
      process.stdout.write(`${mainUsage()}\n`);
      return 0;
    }
    if (!target) return usageError(new UsageError(`Unknown command '${rest[0]}'${suggest(rest[0]!, COMMANDS.map((c) => c.spec.name), '')}`));
    process.stdout.write(`${usage(target.spec)}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.spec.name === first);
  if (!command) {
    const what = first.startsWith('-') ? `Unknown option '${first}'` : `Unknown command '${first}'${suggest(first, COMMANDS.map((c) => c.spec.name), '')}`;
    return usageError(new UsageError(what));
  }
  try {
    const args = parseArgs(rest, command.spec);
    if (args.help) {
      process.stdout.write(`${usage(command.spec)}\n`);
      return 0;
    }
    await command.run(args);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) return usageError(e);
    return failure(e);
  }
}

function usageError(e: UsageError): number {
  const spec = COMMANDS.find((c) => c.spec.name === e.command)?.spec;
  process.stderr.write(`surrogate-rt: ${e.message}\n\n${spec ? usage(spec) : mainUsage()}\n`);
  return 2;
}

/** Prints why a command failed: the error's code and message, and the stack only for a bug. */
function failure(e: unknown): number {
  if (e instanceof SurrogateError) {
    process.stderr.write(`surrogate-rt: error ${e.code}: ${e.message}\n`);
  } else if (e instanceof NpyError) {
    process.stderr.write(`surrogate-rt: error: ${e.message}\n`);
  } else if (e instanceof Error) {
    const known = typeof (e as NodeJS.ErrnoException).code === 'string' || e.constructor === Error;
    process.stderr.write(`surrogate-rt: error: ${known ? e.message : e.stack ?? e.message}\n`);
  } else {
    process.stderr.write(`surrogate-rt: error: ${String(e)}\n`);
  }
  return 1;
}

process.exitCode = await main(process.argv.slice(2));
