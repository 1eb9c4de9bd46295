// What the CLI commands share: the model-loading options (--device, --threads), reading the
// model file, and formatting shapes, sizes and durations.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ModelError } from '../errors.js';
import type { LoadOptions } from '../options.js';
import { deviceOf, integerIn, type OptionSpec, type ParsedArgs } from './args.js';

export const LOAD_OPTIONS: OptionSpec[] = [
  { name: 'device', kind: 'value', placeholder: 'auto|cpu|cuda', description: "where to run: 'auto' (default: a GPU when usable), 'cpu', 'cuda' or 'cuda:N'" },
  { name: 'threads', kind: 'value', placeholder: 'N', description: 'CPU threads (default: all cores)' },
];

/** loadModel() options from --device and --threads. */
export function loadOptionsOf(args: ParsedArgs, command: string): LoadOptions {
  const options: LoadOptions = {};
  const device = deviceOf(args, command);
  if (device !== undefined) options.device = device;
  const threads = integerIn(args, 'threads', 1, 1024, command);
  if (threads !== undefined) options.threads = threads;
  return options;
}

/** The bytes of a model file and its folder (for external data), with an error that names the file. */
export async function readModelFile(path: string): Promise<{ bytes: Uint8Array; baseDir: string }> {
  try {
    return { bytes: await readFile(path), baseDir: dirname(resolve(path)) };
  } catch (e) {
    throw new ModelError(`Cannot read the model file '${path}': ${(e as Error).message}`, 'ERR_INVALID_MODEL', { cause: e });
  }
}

export function formatShape(shape: readonly (number | string)[]): string {
  return `[${shape.join(', ')}]`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

/** A duration in milliseconds as µs, ms or s with three significant digits. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  if (ms < 1) return `${(ms * 1000).toPrecision(3)} µs`;
  if (ms < 1000) return `${ms.toPrecision(3)} ms`;
  return `${(ms / 1000).toPrecision(3)} s`;
}

/** A rate with thousands separators and no decimals above 100 (1,234,567). */
export function formatRate(x: number): string {
  if (!Number.isFinite(x)) return '-';
  if (x >= 100) return Math.round(x).toLocaleString('en-US');
  return x.toPrecision(3);
}

/** Pads cells into aligned columns: the first `leftColumns` left-aligned, the rest right-aligned. */
export function table(rows: string[][], leftColumns = 1): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i < leftColumns ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd()).join('\n');
}
