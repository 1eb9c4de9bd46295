// `surrogate-rt info <model.onnx>`: what a model takes and returns, the operators it uses, where it
// would run (our engine or onnxruntime-node, CPU or GPU) and why, and how its requests are batched.
import { basename } from 'node:path';
import { loadModel, type Model } from '../model.js';
import { decodeModel } from '../onnx/proto.js';
import type { CommandSpec, ParsedArgs } from './args.js';
import { formatBytes, formatShape, LOAD_OPTIONS, loadOptionsOf, readModelFile } from './common.js';

export const infoSpec: CommandSpec = {
  name: 'info',
  short: "a model's inputs, outputs, operators, backend, device and batching",
  summary: 'Shows a model\'s inputs and outputs, opset, operators, the backend and device that would run it (and why), and its batching.',
  positionals: [{ name: 'model.onnx', description: 'the ONNX model file' }],
  options: [...LOAD_OPTIONS, { name: 'json', kind: 'flag', description: 'print JSON instead of text' }],
  details: 'Examples:\n  surrogate-rt info models/phasenet.onnx\n  surrogate-rt info models/crabnet.onnx --device cpu --json',
};

export interface ModelInfo {
  file: string;
  bytes: number;
  producer: string;
  irVersion: number;
  opset: number;
  opsetImports: Record<string, number>;
  inputs: { name: string; type: string; shape: (number | string)[] }[];
  outputs: { name: string; type: string; shape: (number | string)[] }[];
  /** ONNX operator → number of nodes in the file (other domains as 'domain:Op'). */
  operators: Record<string, number>;
  /** Nodes in the file's main graph. */
  nodes: number;
  /** Nodes of our engine's graph after import, lowering, simplification and fusion (0 on the fallback). */
  engineNodes: number;
  /** Core operator → number of nodes in that graph (model.graph.nodes; empty on the fallback). */
  engineOperators: Record<string, number>;
  backend: Model['backend'];
  device: string;
  deviceReason: string | null;
  fallbackReason: string | null;
  missingOperators: string[];
  batching: Model['batching'];
}

/** Loads the model (and disposes it) and gathers what `info` prints. */
export async function modelInfo(path: string, args: ParsedArgs): Promise<ModelInfo> {
  const options = loadOptionsOf(args, 'info');
  const { bytes, baseDir } = await readModelFile(path);
  const model = await loadModel(bytes, { ...options, baseDir });
  try {
    // The operators as the file names them (before our lowering): what a model author recognises.
    const proto = decodeModel(bytes);
    const operators: Record<string, number> = {};
    for (const node of proto.graph?.node ?? []) {
      const domain = node.domain && node.domain !== 'ai.onnx' ? `${node.domain}:` : '';
      const op = `${domain}${node.opType ?? '?'}`;
      operators[op] = (operators[op] ?? 0) + 1;
    }
    const engineOperators: Record<string, number> = {};
    if (model.backend === 'native') for (const node of model.graph.nodes) engineOperators[node.op] = (engineOperators[node.op] ?? 0) + 1;
    const opsetImports: Record<string, number> = {};
    for (const o of proto.opsetImport ?? []) opsetImports[o.domain || 'ai.onnx'] = Number(o.version ?? 0);
    return {
      file: path,
      bytes: bytes.length,
      producer: `${proto.producerName ?? ''} ${proto.producerVersion ?? ''}`.trim(),
      irVersion: Number(proto.irVersion ?? 0),
      opset: model.opset || (opsetImports['ai.onnx'] ?? 0),
      opsetImports,
      inputs: model.inputs.map((i) => ({ name: i.name, type: String(i.type), shape: [...i.shape] })),
      outputs: model.outputs.map((o) => ({ name: o.name, type: String(o.type), shape: [...o.shape] })),
      operators: byCount(operators),
      nodes: proto.graph?.node?.length ?? 0,
      engineNodes: model.backend === 'native' ? model.graph.nodes.length : 0,
      engineOperators: byCount(engineOperators),
      backend: model.backend,
      device: model.device,
      deviceReason: model.deviceReason ?? null,
      fallbackReason: model.fallbackReason ?? null,
      missingOperators: [...model.missingOperators],
      batching: { ...model.batching },
    };
  } finally {
    model.dispose();
  }
}

/** Counts, most frequent first (then by name). */
function byCount(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}

export function formatInfo(info: ModelInfo): string {
  const lines: string[] = [];
  const io = (list: ModelInfo['inputs']) => {
    const width = Math.max(...list.map((t) => t.name.length), 4);
    return list.map((t) => `  ${t.name.padEnd(width)}  ${t.type.padEnd(7)}  ${formatShape(t.shape)}`);
  };
  lines.push(`${basename(info.file)}  (${formatBytes(info.bytes)}${info.producer ? `, from ${info.producer}` : ''}, IR version ${info.irVersion}, opset ${info.opset})`);
  const otherDomains = Object.entries(info.opsetImports).filter(([d]) => d !== 'ai.onnx');
  if (otherDomains.length > 0) lines.push(`other opsets: ${otherDomains.map(([d, v]) => `${d} ${v}`).join(', ')}`);
  lines.push('', 'inputs:', ...io(info.inputs), '', 'outputs:', ...io(info.outputs), '');
  const ops = Object.entries(info.operators);
  lines.push(`operators: ${info.nodes} node(s) of ${ops.length} type(s)${info.engineNodes ? `; ${info.engineNodes} after our import, simplification and fusion` : ''}`);
  const width = Math.max(...ops.map(([op]) => op.length), 2);
  const cells = ops.map(([op, n]) => `${op.padEnd(width)} ${String(n).padStart(4)}`);
  const perRow = Math.max(1, Math.floor(96 / (width + 9)));
  for (let i = 0; i < cells.length; i += perRow) lines.push(`  ${cells.slice(i, i + perRow).join('    ')}`);
  lines.push('');
  if (info.backend === 'native') {
    lines.push(`backend:  native (surrogate-rt's engine)`);
  } else {
    lines.push(`backend:  onnxruntime (onnxruntime-node on the CPU, the whole-model fallback)`);
    lines.push(`  why:    ${info.fallbackReason ?? 'unknown'}`);
    if (info.missingOperators.length > 0) lines.push(`  missing operators: ${info.missingOperators.join(', ')}`);
  }
  lines.push(`device:   ${info.device}${info.device.startsWith('cuda') ? ' (a usable GPU was found)' : ''}`);
  if (info.deviceReason) lines.push(`  why not a GPU: ${info.deviceReason}`);
  const b = info.batching;
  if (b.enabled) {
    const preferred = b.preferredBatchSizes.length ? `, preferred sizes ${b.preferredBatchSizes.join('/')}` : '';
    lines.push(`batching: on (max batch ${b.maxBatch}, max delay ${b.maxDelayMs} ms${preferred}, queue ≤ ${b.maxQueue}, ${b.concurrency} run(s) in flight)`);
  } else {
    lines.push(`batching: off (${b.reason ?? 'unknown reason'}); each request runs alone`);
  }
  return lines.join('\n');
}

export async function infoCommand(args: ParsedArgs): Promise<void> {
  const info = await modelInfo(args.positionals[0]!, args);
  process.stdout.write(args.flags.has('json') ? `${JSON.stringify(info, null, 2)}\n` : `${formatInfo(info)}\n`);
}
