// The inference server: a model repository served over HTTP with the Open Inference Protocol
// (KServe v2 REST, as Triton speaks it) on fastify — health, server and model metadata, model
// readiness, inference with JSON tensors or the binary tensor data extension — plus Prometheus
// metrics at /metrics. Requests name models only through the map of loaded models: nothing a
// client sends is ever turned into a file path.
import { readFileSync } from 'node:fs';
import { fastify, type FastifyReply, type FastifyRequest } from 'fastify';
import { InvalidArgumentError, SurrogateError } from '../errors.js';
import type { Model } from '../model.js';
import { resolveLoadOptions, type LoadOptions } from '../options.js';
import { checkFeeds, type ModelIO } from '../feeds.js';
import { ServerMetrics } from './metrics.js';
import { inferResponse, modelMetadata, parseInferRequest, ProtocolError } from './protocol.js';
import { isModelName, loadRepository, type Logger } from './repository.js';

export { isModelName, type Logger, type LogLevel } from './repository.js';

export interface ServerOptions {
  /** The model repository: one folder per model with model.onnx and an optional config.json. */
  repository: string;
  /** Address to listen on (default '127.0.0.1'). */
  host?: string;
  /** Port (default 8000; 0 picks a free one). */
  port?: number;
  /** Largest request body in bytes (default 64 MiB); larger ones get 413. */
  bodyLimit?: number;
  /** Load options of every model; a model's config.json overrides them. */
  loadOptions?: LoadOptions;
  /** Where load results and server errors go (default: stderr). */
  log?: Logger;
}

export interface InferenceServer {
  /** The base URL, e.g. 'http://127.0.0.1:8000'. */
  url: string;
  /** The loaded models, by name. */
  models: Map<string, Model>;
  /** The models of the repository that failed to load, by name, with why. */
  failures: Map<string, string>;
  /** Stops accepting requests, lets those in flight finish, then disposes the models. */
  close(): Promise<void>;
}

const DEFAULT_BODY_LIMIT = 64 * 2 ** 20;
const SERVER_NAME = 'surrogate-rt';
const VERSION = (() => {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
})();

/** The HTTP status for an error a model (or the protocol) raised. */
function statusOf(e: unknown): number {
  if (e instanceof ProtocolError) return e.status;
  if (e instanceof SurrogateError) {
    switch (e.code) {
      case 'ERR_INVALID_INPUT':
      case 'ERR_INVALID_ARGUMENT':
      case 'ERR_SHAPE':
      case 'ERR_MEMORY_LIMIT':
        return 400;
      case 'ERR_OVERLOADED':
      case 'ERR_DISPOSED':
        return 503;
      case 'ERR_TIMEOUT':
        return 504;
      case 'ERR_ABORTED':
        return 499; // the client went away; nobody reads this answer
      default:
        return 500;
    }
  }
  // fastify's own request errors (body too large, bad content length, ...) carry their status.
  const status = (e as { statusCode?: unknown })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return status;
  return 500;
}

const defaultLog: Logger = (level, message) => process.stderr.write(`[surrogate-rt] ${level}: ${message}\n`);

function checkOptions(options: unknown): Required<Omit<ServerOptions, 'loadOptions'>> & { loadOptions: LoadOptions } {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new InvalidArgumentError('an object', 'server options', options);
  const o = options as Record<string, unknown>;
  const known = ['repository', 'host', 'port', 'bodyLimit', 'loadOptions', 'log'];
  for (const k of Object.keys(o)) if (!known.includes(k)) throw new InvalidArgumentError(`one of the server options ${known.join(', ')}`, 'a server option name', k);
  if (typeof o.repository !== 'string' || o.repository === '') throw new InvalidArgumentError('the path of a model repository folder', 'repository', o.repository);
  const host = o.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host === '') throw new InvalidArgumentError('a host name or address', 'host', o.host);
  const port = o.port ?? 8000;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('an integer between 0 and 65535', 'port', o.port);
  const bodyLimit = o.bodyLimit ?? DEFAULT_BODY_LIMIT;
  if (typeof bodyLimit !== 'number' || !Number.isSafeInteger(bodyLimit) || bodyLimit < 1) {
    throw new InvalidArgumentError('a positive integer number of bytes', 'bodyLimit', o.bodyLimit);
  }
  const loadOptions = (o.loadOptions ?? {}) as LoadOptions;
  resolveLoadOptions(loadOptions); // refuses bad options now rather than failing every model
  const log = o.log ?? defaultLog;
  if (typeof log !== 'function') throw new InvalidArgumentError('a function (level, message)', 'log', o.log);
  return { repository: o.repository, host, port, bodyLimit, loadOptions, log: log as Logger };
}

/** Loads the repository's models and serves them; resolves once the server listens. */
export async function startServer(options: ServerOptions): Promise<InferenceServer> {
  const { repository, host, port, bodyLimit, loadOptions, log } = checkOptions(options);
  const { models, failures } = await loadRepository(repository, loadOptions, log);
  if (models.size === 0) log('warn', `no model in ${repository} could be loaded`);
  const metrics = new ServerMetrics(models);

  const app = fastify({
    logger: false,
    bodyLimit,
    maxParamLength: 1024, // model names as long as folder names can be
    // Errors fastify raises before routing (a malformed URL, a parameter too long) answer in the protocol's shape too.
    frameworkErrors: (error, _request, reply) => {
      const status = statusOf(error);
      void (reply as FastifyReply).code(status === 500 ? 400 : status).send({ error: error.message });
    },
  });

  // Bodies are read as bytes whatever the content type: the inference handler parses JSON and
  // binary tensor data itself, so that malformed JSON is answered in the protocol's error shape.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  /** Requests whose outcome the model's own counters record (they reached model.predict). */
  const reachedModel = new WeakSet<FastifyRequest>();

  const modelParams = (request: FastifyRequest) => request.params as { name?: string; version?: string };

  /** The loaded model the request names, or a 400 (not a model name) / 404 (unknown, failed, other version). */
  const modelOf = (request: FastifyRequest): { name: string; model: Model } => {
    const { name, version } = modelParams(request);
    if (typeof name !== 'string' || !isModelName(name)) {
      throw new ProtocolError(400, `Invalid model name ${JSON.stringify(String(name).slice(0, 100))}: a model name has only letters, digits, '_', '.' and '-'`);
    }
    const model = models.get(name);
    if (!model) {
      if (failures.has(name)) throw new ProtocolError(404, `Model '${name}' is not available: it failed to load (see the server log)`);
      throw new ProtocolError(404, `Unknown model '${name}'`);
    }
    if (version !== undefined && version !== '1') throw new ProtocolError(404, `Model '${name}' has no version '${version.slice(0, 40)}' (versions: 1)`);
    return { name, model };
  };

  // Answers given while the server closes end their connection, so that close() need not wait
  // for kept-alive connections to time out.
  let stopping = false;
  app.addHook('onSend', async (_request, reply, payload) => {
    if (stopping) void reply.header('connection', 'close');
    return payload;
  });

  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error: `No route for ${request.method} ${request.url.slice(0, 200)}` });
  });

  app.setErrorHandler((error, request, reply) => {
    const status = statusOf(error);
    const name = modelParams(request).name;
    const isInfer = request.routeOptions.url?.endsWith('/infer') === true;
    if (isInfer && typeof name === 'string' && models.has(name) && !reachedModel.has(request)) metrics.countRejected(name);
    let message = (error as Error).message;
    if ((error as { code?: string }).code === 'FST_ERR_CTP_BODY_TOO_LARGE') message = `The request body is larger than the server's limit of ${bodyLimit} bytes`;
    if (status >= 500 && status !== 503 && status !== 504) log('error', `${request.method} ${request.url.slice(0, 200)}: ${(error as Error).stack ?? message}`);
    void reply.code(status).send({ error: message });
  });

  app.get('/v2/health/live', async () => ({ live: true }));
  app.get('/v2/health/ready', async () => ({ ready: true }));
  app.get('/v2', async () => ({ name: SERVER_NAME, version: VERSION, extensions: ['binary_tensor_data'] }));

  // Triton's repository index: every model of the repository, with why it is unavailable when it is.
  app.post('/v2/repository/index', async () => [
    ...[...models.keys()].map((name) => ({ name, version: '1', state: 'READY' })),
    ...[...failures].map(([name, reason]) => ({ name, version: '1', state: 'UNAVAILABLE', reason })),
  ].sort((a, b) => a.name.localeCompare(b.name)));

  app.get('/metrics', async (_request, reply) => {
    const { text, contentType } = await metrics.scrape();
    return reply.type(contentType).send(text);
  });

  const infer = async (request: FastifyRequest, reply: FastifyReply) => {
    const start = performance.now();
    const { name, model } = modelOf(request);
    const parsed = parseInferRequest(request.body, request.headers['inference-header-content-length'], model);
    // The model's own checks (ranks, dimensions, symbolic dims agreeing across inputs) before
    // predict(), so that a request refused here counts as a failure exactly once.
    checkFeeds(model.inputs as ModelIO[], parsed.feeds);

    // A client that goes away cancels its request: queued, it never runs.
    const controller = new AbortController();
    const onClose = () => {
      if (!reply.raw.writableFinished) controller.abort(new Error('the client closed the connection'));
    };
    reply.raw.once('close', onClose);
    reachedModel.add(request);
    let result;
    try {
      result = await model.predict(parsed.feeds, { signal: controller.signal, timeoutMs: parsed.timeoutMs, priority: parsed.priority });
    } finally {
      metrics.addRequestDuration(name, (performance.now() - start) * 1000);
    }
    const { json, binary } = inferResponse(name, parsed, result);
    if (binary.length === 0) return reply.type('application/json').send(json);
    const header = Buffer.from(json, 'utf8');
    return reply
      .header('Inference-Header-Content-Length', String(header.length))
      .type('application/octet-stream')
      .send(Buffer.concat([header, ...binary]));
  };

  for (const prefix of ['/v2/models/:name', '/v2/models/:name/versions/:version']) {
    app.get(prefix, async (request) => {
      const { name, model } = modelOf(request);
      return modelMetadata(name, model);
    });
    app.get(`${prefix}/ready`, async (request) => {
      const { name, model } = modelOf(request);
      if (model.disposed) throw new ProtocolError(503, `Model '${name}' is being unloaded`);
      return { name, ready: true };
    });
    // Triton's model configuration: how the model runs and is batched.
    app.get(`${prefix}/config`, async (request) => {
      const { name, model } = modelOf(request);
      const b = model.batching;
      return {
        name,
        platform: 'onnx',
        backend: model.backend,
        device: model.device,
        device_reason: model.deviceReason,
        fallback_reason: model.fallbackReason,
        max_batch_size: b.enabled ? b.maxBatch : 0,
        dynamic_batching: b.enabled
          ? { max_queue_delay_ms: b.maxDelayMs, preferred_batch_size: b.preferredBatchSizes, max_queue_size: b.maxQueue, concurrency: b.concurrency }
          : null,
        batching_reason: b.reason,
      };
    });
    app.post(`${prefix}/infer`, infer);
  }

  let url: string;
  try {
    url = await app.listen({ host, port });
  } catch (e) {
    for (const model of models.values()) model.dispose();
    throw e;
  }
  log('info', `serving ${models.size} model(s) on ${url}`);

  let closing: Promise<void> | undefined;
  return {
    url,
    models,
    failures,
    close() {
      closing ??= (async () => {
        stopping = true;
        try {
          await app.close();
        } finally {
          for (const model of models.values()) model.dispose();
        }
      })();
      return closing;
    },
  };
}
