// The dynamic batcher (one per model), after Triton's: concurrent predict() calls whose inputs
// have the same non-batch shapes are coalesced along axis 0 into one run of up to maxBatch
// samples. A batch forms from the requests waiting when a run slot frees up (maxDelayMs = 0: a
// full batch starts at once; a partial one only when no other run is in flight, or when that run
// ends), or the oldest request waits up to maxDelayMs for more; a preferred batch size that the
// waiting requests fill exactly is run at once. Each caller gets its own rows back as views into the one
// result buffer. The queue is bounded (maxQueue: beyond it, OverloadError at once); requests have
// two priorities, a timeout and an AbortSignal: one cancelled while queued never runs, one
// cancelled while running is discarded. Without batching the same queue runs each call alone.
import { AbortError, DisposedError, OverloadError, SurrogateError, TimeoutError } from './errors.js';
import type { Feed } from './feeds.js';
import { Tensor, type TensorData } from './tensor.js';

export interface BatchingConfig {
  /** Whether requests are coalesced (false: each runs alone). */
  enabled: boolean;
  /** Why batching is off, when it is. */
  reason?: string;
  maxBatch: number;
  maxDelayMs: number;
  preferredBatchSizes: number[];
  maxQueue: number;
  /** Runs in flight at once for this model. */
  concurrency: number;
}

export type Priority = 'high' | 'normal';

export interface SubmitOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  priority?: Priority;
}

/** Cumulative counters, named after Triton's metrics. */
export interface ModelStats {
  requestSuccess: number;
  requestFailure: number;
  /** Samples run (the batch dimension summed over runs). */
  inferenceCount: number;
  /** Native runs. */
  executionCount: number;
  /** Time requests spent queued, summed, in microseconds. */
  queueDurationUs: number;
  /** Time runs took, summed, in microseconds. */
  computeDurationUs: number;
  /** Samples per run → number of runs. */
  batchSizes: Record<number, number>;
  queued: number;
  running: number;
  /** Runs done on the calling thread because they are shorter than a hand-off to a worker (LoadOptions.inlineUnderUs). */
  inlineExecutionCount: number;
}

export type RunFn = (feeds: Feed[]) => Promise<Record<string, Tensor>>;

interface Request {
  feeds: Feed[];
  /** Samples (dim 0 of every input). */
  n: number;
  priority: number; // 0 high, 1 normal
  enqueued: number;
  state: 'queued' | 'running' | 'settled';
  resolve: (out: Record<string, Tensor>) => void;
  reject: (e: Error) => void;
  /** Removes the timeout and abort listener, when the request has them. */
  cleanup: (() => void) | undefined;
}

const now = () => performance.now();

export class Batcher {
  private readonly queues: Request[][] = [[], []];
  private queued = 0;
  private running = 0;
  private timer: NodeJS.Timeout | undefined;
  private disposed = false;
  /** The batches being run (for dispose). */
  private readonly inFlight = new Set<Request[]>();
  private readonly counters: ModelStats = {
    requestSuccess: 0, requestFailure: 0, inferenceCount: 0, executionCount: 0, queueDurationUs: 0, computeDurationUs: 0, batchSizes: {}, queued: 0, running: 0, inlineExecutionCount: 0,
  };

  constructor(private readonly run: RunFn, readonly config: BatchingConfig) {}

  stats(): ModelStats {
    return { ...this.counters, batchSizes: { ...this.counters.batchSizes }, queued: this.queued, running: this.running };
  }

  submit(feeds: Feed[], options: SubmitOptions = {}): Promise<Record<string, Tensor>> {
    if (this.disposed) return Promise.reject(new DisposedError());
    const { signal, timeoutMs } = options;
    if (signal?.aborted) return Promise.reject(new AbortError(signal.reason));
    if (this.queued >= this.config.maxQueue) {
      this.counters.requestFailure++;
      return Promise.reject(new OverloadError(this.queued));
    }
    return new Promise((resolve, reject) => {
      const r: Request = {
        feeds,
        n: feeds[0]?.dims[0] ?? 1,
        priority: options.priority === 'high' ? 0 : 1,
        enqueued: now(),
        state: 'queued',
        resolve,
        reject,
        cleanup: undefined,
      };
      if (signal || timeoutMs !== undefined) this.watch(r, signal, timeoutMs);
      this.queues[r.priority]!.push(r);
      this.queued++;
      this.pump();
    });
  }

  /** Settles `r` with an AbortError or TimeoutError when its signal fires or its time is up. */
  private watch(r: Request, signal: AbortSignal | undefined, timeoutMs: number | undefined): void {
    const onAbort = () => this.settle(r, new AbortError(signal!.reason));
    const timer = timeoutMs !== undefined ? setTimeout(() => this.settle(r, new TimeoutError(timeoutMs)), timeoutMs) : undefined;
    signal?.addEventListener('abort', onAbort, { once: true });
    r.cleanup = () => {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
  }

  /** Rejects every queued and running request with DisposedError; later submits too. */
  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const q of this.queues) for (const r of [...q]) this.settle(r, new DisposedError());
    for (const batch of [...this.inFlight]) for (const r of batch) this.settle(r, new DisposedError());
  }

  private settle(r: Request, result: Error | Record<string, Tensor>): void {
    if (r.state === 'settled') return;
    if (r.state === 'queued') {
      const q = this.queues[r.priority]!;
      q.splice(q.indexOf(r), 1);
      this.queued--;
    }
    r.state = 'settled';
    r.cleanup?.();
    if (result instanceof Error) {
      this.counters.requestFailure++;
      r.reject(result);
    } else {
      this.counters.requestSuccess++;
      r.resolve(result);
    }
  }

  /** Starts runs while slots are free and a batch is ready. */
  private pump(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (!this.disposed && this.running < this.config.concurrency && this.queued > 0) {
      const batch = this.nextBatch();
      if (!batch) return;
      void this.execute(batch);
    }
  }

  /** The requests of the next run, or undefined when the oldest request should wait for more (a timer is set). */
  private nextBatch(): Request[] | undefined {
    const head = this.queues[0]![0] ?? this.queues[1]![0]!;
    const { maxBatch, maxDelayMs, preferredBatchSizes } = this.config;
    if (!this.config.enabled || head.n >= maxBatch) return this.take([head]);
    const batch: Request[] = [];
    let total = 0;
    for (const q of this.queues) {
      for (const r of q) {
        if (total + r.n > maxBatch || !sameGroup(r.feeds, head.feeds)) continue;
        batch.push(r);
        total += r.n;
        if (total === maxBatch) break;
      }
      if (total === maxBatch) break;
    }
    if (total === maxBatch) return this.take(batch);
    // The longest prefix that makes a preferred size runs at once.
    if (preferredBatchSizes.length > 0) {
      let sum = 0, best = 0;
      batch.forEach((r, i) => {
        sum += r.n;
        if (preferredBatchSizes.includes(sum)) best = i + 1;
      });
      if (best > 0) return this.take(batch.slice(0, best));
    }
    const waited = now() - head.enqueued;
    if (maxDelayMs > 0 && waited < maxDelayMs) {
      this.timer = setTimeout(() => this.pump(), Math.max(0, maxDelayMs - waited));
      return undefined;
    }
    // A partial batch does not start beside a run in flight (with maxDelayMs 0): it would take the
    // requests that are about to make the next batch full. The run's end starts it instead.
    if (this.running > 0 && maxDelayMs === 0) return undefined;
    return this.take(batch);
  }

  /** Moves `batch` from the queues to running. */
  private take(batch: Request[]): Request[] {
    const t = now();
    let waited = 0;
    for (const r of batch) {
      r.state = 'running';
      waited += t - r.enqueued;
    }
    this.counters.queueDurationUs += Math.round(waited * 1000);
    this.queued -= batch.length;
    for (let p = 0; p < this.queues.length; p++) {
      const q = this.queues[p]!;
      // Usually the batch is the front of the queue; otherwise keep what is still queued, in order.
      let front = 0;
      while (front < q.length && q[front]!.state === 'running') front++;
      if (front > 0) q.splice(0, front);
      if (q.some((r) => r.state === 'running')) this.queues[p] = q.filter((r) => r.state === 'queued');
    }
    this.inFlight.add(batch);
    return batch;
  }

  private async execute(batch: Request[]): Promise<void> {
    this.running++;
    let total = 0;
    for (const r of batch) total += r.n;
    const start = now();
    try {
      const out = await this.run(batch.length === 1 ? batch[0]!.feeds : concatFeeds(batch, total));
      this.counters.executionCount++;
      this.counters.inferenceCount += total;
      this.counters.batchSizes[total] = (this.counters.batchSizes[total] ?? 0) + 1;
      this.counters.computeDurationUs += Math.round((now() - start) * 1000);
      if (batch.length === 1) {
        this.settle(batch[0]!, out);
      } else {
        const slicer = outputSlicer(out, total);
        let offset = 0;
        for (const r of batch) {
          if (r.state === 'running') this.settle(r, slicer(offset, r.n));
          offset += r.n;
        }
      }
    } catch (e) {
      const err = e instanceof Error ? e : new SurrogateError('ERR_INTERNAL', String(e));
      for (const r of batch) this.settle(r, err);
    } finally {
      this.inFlight.delete(batch);
      if (batch.length === 1 && this.queued === 0) {
        // One caller and nobody waiting: no sign of other clients to wait for, so the slot frees
        // now and that caller's next request starts as soon as it is made (a serial client saves
        // an event-loop turn per request).
        this.running--;
      } else {
        // The slot frees after the callers' continuations have run (a closed-loop client sends its
        // next request there), so those requests join this slot's next batch.
        setImmediate(() => {
          this.running--;
          this.pump();
        });
      }
    }
  }
}

/** Whether two requests can share a run: every input has the same type and the same dims after axis 0. */
function sameGroup(a: Feed[], b: Feed[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, y = b[i]!;
    if (x.type !== y.type || x.dims.length !== y.dims.length) return false;
    for (let d = 1; d < x.dims.length; d++) if (x.dims[d] !== y.dims[d]) return false;
  }
  return true;
}

/** One buffer per input holding the requests' rows one after another (what the engine reads). */
function concatFeeds(batch: Request[], total: number): Feed[] {
  return batch[0]!.feeds.map((first, i) => {
    const rows = first.dims.length > 1 ? first.data.length / first.dims[0]! : 1;
    const C = first.data.constructor as { new (n: number): TensorData };
    const data = new C(total * rows);
    let offset = 0;
    for (const r of batch) {
      const f = r.feeds[i]!;
      (data as Float32Array).set(f.data as Float32Array, offset * rows);
      offset += f.dims[0]!;
    }
    const dims = first.dims.slice();
    dims[0] = total;
    return { name: first.name, type: first.type, data, dims };
  });
}

type TypedArrayClass = { new (buffer: ArrayBufferLike, byteOffset: number, length: number): TensorData; BYTES_PER_ELEMENT: number };

/**
 * slice(offset, n): rows [offset, offset + n) of every output of a batched run, as views into the
 * batch's buffers (no copies). What is the same for every request is worked out once per batch.
 */
function outputSlicer(out: Record<string, Tensor>, total: number): (offset: number, n: number) => Record<string, Tensor> {
  const parts = Object.keys(out).map((name) => {
    const t = out[name]!;
    if (t.dims[0] !== total) throw new SurrogateError('ERR_INTERNAL', `batched output '${name}' has dims [${t.dims}], not ${total} rows`);
    const C = t.data.constructor as unknown as TypedArrayClass;
    const rows = total > 0 ? t.data.length / total : 0;
    return { name, type: t.type, C, buffer: t.data.buffer, byteOffset: t.data.byteOffset, rowBytes: rows * C.BYTES_PER_ELEMENT, rows, dims: t.dims };
  });
  return (offset, n) => {
    const mine: Record<string, Tensor> = {};
    for (const p of parts) {
      const dims = p.dims.slice();
      dims[0] = n;
      mine[p.name] = Tensor.trusted(p.type, new p.C(p.buffer, p.byteOffset + offset * p.rowBytes, n * p.rows), dims);
    }
    return mine;
  };
}
