// `surrogate-rt serve <model-dir>`: serves a model repository over HTTP (the Open Inference
// Protocol, src/server) until SIGINT or SIGTERM, then closes gracefully (requests in flight finish).
import { integerIn, UsageError, valueOf, type CommandSpec, type ParsedArgs } from './args.js';
import { LOAD_OPTIONS, loadOptionsOf } from './common.js';

export const serveSpec: CommandSpec = {
  name: 'serve',
  short: 'serve a model repository over HTTP (KServe v2 protocol, /metrics)',
  summary: 'Serves every model of a model repository over HTTP (KServe v2 / Open Inference Protocol, Prometheus /metrics).',
  positionals: [{ name: 'model-dir', description: 'the repository: one folder per model holding model.onnx (and an optional config.json)' }],
  options: [
    { name: 'host', kind: 'value', placeholder: 'HOST', description: 'address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)' },
    { name: 'port', kind: 'value', placeholder: 'PORT', description: 'port to listen on (default 8000; 0 picks a free one)' },
    { name: 'body-limit', kind: 'value', placeholder: 'BYTES', description: 'largest request body, e.g. 1048576 or 64MiB (default 64 MiB)' },
    ...LOAD_OPTIONS,
  ],
  details: [
    'Layout:  models/elemnet/model.onnx, models/elemnet/config.json ({"batching": {"maxDelayMs": 2}}), ...',
    '',
    'Examples:',
    '  surrogate-rt serve ./repository --port 8000',
    '  curl -s localhost:8000/v2/models/elemnet',
  ].join('\n'),
};

/** --body-limit: bytes, optionally with a k/M/G suffix (powers of 1024: 64M, 64MiB, 512k). */
export function parseBytes(text: string): number | undefined {
  const m = /^(\d+)\s*(?:([kKmMgG])(?:i?[bB])?|[bB])?$/.exec(text.trim());
  if (!m) return undefined;
  const scale = m[2] ? 1024 ** ('kmg'.indexOf(m[2].toLowerCase()) + 1) : 1;
  const n = Number(m[1]) * scale;
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

export async function serveCommand(args: ParsedArgs): Promise<void> {
  const repository = args.positionals[0]!;
  const host = valueOf(args, 'host') ?? '127.0.0.1';
  const port = integerIn(args, 'port', 0, 65535, 'serve') ?? 8000;
  const limitText = valueOf(args, 'body-limit');
  const bodyLimit = limitText === undefined ? undefined : parseBytes(limitText);
  if (limitText !== undefined && bodyLimit === undefined) {
    throw new UsageError(`Expected a positive number of bytes (e.g. 1048576 or 64MiB) for --body-limit but received '${limitText}'`, 'serve');
  }
  const loadOptions = loadOptionsOf(args, 'serve');
  // Loaded only here: the other commands never need the HTTP server and its dependencies.
  const { startServer } = await import('../server/index.js');
  const server = await startServer({ repository, host, port, bodyLimit, loadOptions });
  const names = [...server.models.keys()];
  process.stdout.write(`surrogate-rt serving ${names.length} model(s) from ${repository} at ${server.url}\n`);
  for (const name of names) process.stdout.write(`  ${name}: POST ${server.url}/v2/models/${name}/infer\n`);
  for (const [name, why] of server.failures) process.stdout.write(`  ${name}: not loaded (${why})\n`);
  process.stdout.write(`  health: ${server.url}/v2/health/ready   metrics: ${server.url}/metrics\nPress Ctrl+C to stop.\n`);

  await new Promise<void>((resolve, reject) => {
    let closing = false;
    const stop = (signal: NodeJS.Signals) => {
      if (closing) {
        process.stderr.write(`${signal} again: exiting without waiting\n`);
        process.exit(130);
      }
      closing = true;
      process.stderr.write(`${signal}: closing (waiting for requests in flight)\n`);
      server.close().then(() => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      }, reject);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
