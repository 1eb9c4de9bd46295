// The model repository: a folder with one folder per model, named after the model, holding
// model.onnx (or a single *.onnx file) and an optional config.json of load options
// ({"batching": {...}, "device": "cpu", "threads": 4, ...}). A model that cannot be loaded (no
// model file, a bad config.json, a model our loader refuses) is left out and the reason kept and
// logged; the others are served.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import { loadModel, type Model } from '../model.js';
import type { BatchingOptions, LoadOptions } from '../options.js';

/** What a model name may be: it is also the model's folder name. */
export const MODEL_NAME = /^[A-Za-z0-9_.-]+$/;

/** Whether `name` may name a model: the pattern, and never '.' or '..'. */
export function isModelName(name: string): boolean {
  return MODEL_NAME.test(name) && name !== '.' && name !== '..';
}

/** The load options a model's config.json may set (the server's loadOptions are the defaults). */
const CONFIG_KEYS = ['batching', 'device', 'threads', 'precision', 'cudaGraphs', 'fallback', 'memoryLimit'] as const;

export type LogLevel = 'info' | 'warn' | 'error';
export type Logger = (level: LogLevel, message: string) => void;

export interface Repository {
  /** The models that loaded, by name. */
  models: Map<string, Model>;
  /** The models that did not load, by name, with why. */
  failures: Map<string, string>;
}

/** Loads every model of the repository at `dir`, one after another. */
export async function loadRepository(dir: string, defaults: LoadOptions, log: Logger): Promise<Repository> {
  let entries: string[];
  try {
    entries = (await readdir(dir)).sort();
  } catch (e) {
    throw new InvalidArgumentError(`a readable model repository folder (${(e as Error).message})`, 'repository', dir);
  }
  const models = new Map<string, Model>();
  const failures = new Map<string, string>();
  for (const name of entries) {
    if (name.startsWith('.')) continue;
    const folder = join(dir, name);
    const isDir = await stat(folder).then((s) => s.isDirectory(), () => false);
    if (!isDir) {
      if (name.endsWith('.onnx')) log('warn', `ignoring '${name}' at the top of the repository: put each model in a folder of its own (${name.slice(0, -5)}/model.onnx)`);
      continue;
    }
    if (!isModelName(name)) {
      log('warn', `ignoring folder '${name}': a model name may only have letters, digits, '_', '.' and '-'`);
      continue;
    }
    try {
      const { file, options } = await readModelFolder(folder, defaults);
      const model = await loadModel(file, options);
      models.set(name, model);
      const b = model.batching;
      const batching = b.enabled ? `batching up to ${b.maxBatch} (delay ${b.maxDelayMs} ms, concurrency ${b.concurrency})` : `no batching (${b.reason ?? 'off'})`;
      log('info', `loaded model '${name}' from ${file}: ${model.backend} on ${model.device}, ${batching}`);
    } catch (e) {
      const reason = (e as Error).message;
      failures.set(name, reason);
      log('error', `model '${name}' was not loaded: ${reason}`);
    }
  }
  return { models, failures };
}

/** The model file of a model folder and its load options (the defaults with config.json on top). */
async function readModelFolder(folder: string, defaults: LoadOptions): Promise<{ file: string; options: LoadOptions }> {
  const files = await readdir(folder);
  let file: string;
  if (files.includes('model.onnx')) {
    file = 'model.onnx';
  } else {
    const onnx = files.filter((f) => f.endsWith('.onnx'));
    if (onnx.length !== 1) {
      throw new Error(onnx.length === 0 ? 'no model.onnx (or single *.onnx file) in its folder' : `several .onnx files (${onnx.join(', ')}) and no model.onnx in its folder`);
    }
    file = onnx[0]!;
  }
  let options = defaults;
  if (files.includes('config.json')) {
    let config: unknown;
    try {
      config = JSON.parse(await readFile(join(folder, 'config.json'), 'utf8'));
    } catch (e) {
      throw new Error(`config.json is not valid JSON: ${(e as Error).message}`);
    }
    options = mergeOptions(defaults, checkConfig(config));
  }
  return { file: join(folder, file), options };
}

/** A config.json's load options: an object with only the keys a model may set (loadModel checks the values). */
function checkConfig(config: unknown): LoadOptions {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new Error(`config.json: expected an object of load options (${CONFIG_KEYS.join(', ')})`);
  }
  for (const key of Object.keys(config)) {
    if (!(CONFIG_KEYS as readonly string[]).includes(key)) throw new Error(`config.json: unknown key '${key}' (expected ${CONFIG_KEYS.join(', ')})`);
  }
  return config as LoadOptions;
}

/** `config` over `defaults`; batching objects merge key by key. */
function mergeOptions(defaults: LoadOptions, config: LoadOptions): LoadOptions {
  const merged: LoadOptions = { ...defaults, ...config };
  const a = defaults.batching;
  const b = config.batching;
  if (isBatchingObject(a) && isBatchingObject(b)) merged.batching = { ...a, ...b };
  return merged;
}

const isBatchingObject = (v: unknown): v is BatchingOptions => v !== null && typeof v === 'object' && !Array.isArray(v);
