// Prometheus metrics of one server (its own prom-client Registry), named after Triton's and
// labelled by model and version. The counters are read from model.stats() when /metrics is
// scraped, plus the failures the server saw before a request reached a model (bad requests).
import { Counter, Gauge, Registry, type Metric } from 'prom-client';
import type { ModelStats } from '../batcher.js';
import type { Model } from '../model.js';

/** Upper bounds of the batch-size histogram: 1, 2, 4, …, 1024. */
export const BATCH_SIZE_BUCKETS = Array.from({ length: 11 }, (_, i) => 2 ** i);

type Labels = { model: string; version: string };

export class ServerMetrics {
  readonly registry = new Registry();
  /** Failed requests the models' own counters do not see (refused by the server), by model. */
  private readonly rejected = new Map<string, number>();
  /** Microseconds from a request's arrival to its response, summed, by model. */
  private readonly requestDurationUs = new Map<string, number>();

  constructor(private readonly models: ReadonlyMap<string, Model>) {
    const fromStats = (name: string, help: string, value: (s: ModelStats, model: string) => number) =>
      new Counter({
        name,
        help,
        labelNames: ['model', 'version'],
        registers: [this.registry],
        collect: this.collector((counter, labels, stats) => counter.inc(labels, value(stats, labels.model))),
      });
    fromStats('nv_inference_request_success', 'Number of successful inference requests, all batch sizes', (s) => s.requestSuccess);
    fromStats('nv_inference_request_failure', 'Number of failed inference requests, all batch sizes', (s, model) => s.requestFailure + (this.rejected.get(model) ?? 0));
    fromStats('nv_inference_count', 'Number of inferences performed (samples: a batch of n counts n)', (s) => s.inferenceCount);
    fromStats('nv_inference_exec_count', 'Number of model executions performed (one per batch)', (s) => s.executionCount);
    fromStats('nv_inference_request_duration_us', 'Cumulative inference request duration in microseconds, from arrival to response', (_s, model) => this.requestDurationUs.get(model) ?? 0);
    fromStats('nv_inference_queue_duration_us', 'Cumulative inference queuing duration in microseconds', (s) => s.queueDurationUs);
    fromStats('nv_inference_compute_infer_duration_us', 'Cumulative compute inference duration in microseconds', (s) => s.computeDurationUs);
    new Gauge({
      name: 'nv_inference_pending_request_count',
      help: 'Instantaneous number of pending requests awaiting execution per model',
      labelNames: ['model', 'version'],
      registers: [this.registry],
      collect: this.collector((gauge, labels, stats) => gauge.set(labels, stats.queued)),
    });
    this.registry.registerMetric(new BatchSizeHistogram(models) as unknown as Metric);
  }

  /** A collect() that resets the metric and sets it per model from a fresh model.stats(). */
  private collector<M extends Counter<string> | Gauge<string>>(set: (metric: M, labels: Labels, stats: ModelStats) => void) {
    const models = this.models;
    return function (this: M) {
      this.reset();
      for (const [model, m] of models) set(this, { model, version: '1' }, m.stats());
    };
  }

  /** Counts a failed request that never reached the model (a bad request, a body too large). */
  countRejected(model: string): void {
    this.rejected.set(model, (this.rejected.get(model) ?? 0) + 1);
  }

  addRequestDuration(model: string, us: number): void {
    this.requestDurationUs.set(model, (this.requestDurationUs.get(model) ?? 0) + Math.round(us));
  }

  /** The exposition text and its content type. */
  async scrape(): Promise<{ text: string; contentType: string }> {
    return { text: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}

/**
 * surrogate_rt_batch_size: a histogram of the samples per native run, by model. prom-client's
 * Histogram takes one observation at a time, but model.stats().batchSizes already holds the
 * counts per size; this metric turns them into buckets at scrape time (exact, whatever the
 * number of runs), in the shape prom-client's registry writes out.
 */
class BatchSizeHistogram {
  readonly name = 'surrogate_rt_batch_size';
  readonly help = 'Samples per model execution (the batch size the dynamic batcher formed)';
  readonly type = 'histogram';
  readonly aggregator = 'sum';

  constructor(private readonly models: ReadonlyMap<string, Model>) {}

  async get() {
    const values: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
    for (const [model, m] of this.models) {
      const sizes = Object.entries(m.stats().batchSizes).map(([size, runs]) => [Number(size), runs] as const);
      const labels = { model, version: '1' };
      let count = 0;
      let sum = 0;
      for (const [size, runs] of sizes) {
        count += runs;
        sum += size * runs;
      }
      for (const bound of BATCH_SIZE_BUCKETS) {
        const below = sizes.reduce((n, [size, runs]) => (size <= bound ? n + runs : n), 0);
        values.push({ labels: { ...labels, le: bound }, value: below, metricName: `${this.name}_bucket` });
      }
      values.push({ labels: { ...labels, le: '+Inf' }, value: count, metricName: `${this.name}_bucket` });
      values.push({ labels, value: sum, metricName: `${this.name}_sum` });
      values.push({ labels, value: count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** Nothing to reset: the values are the models' counters. */
  reset(): void {}
}
