// Closed-loop load: a fixed number of workers (Lambda containers) each sending its next request as soon as the last one answers.
import { performance } from 'node:perf_hooks';

export interface LoadOptions<T> {
  concurrency: number;
  /** Stop after this many requests in total… */
  total?: number;
  /** …or when this much time has passed (whichever comes first). */
  durationMs?: number;
  /** The timed part: one request on behalf of `worker`. */
  run: (worker: number, seq: number) => Promise<T>;
  /** Describes why a result counts as an error, or undefined when it is a success. */
  check?: (result: T) => string | undefined;
  /** Untimed follow-up (e.g. freeing the technician a request took), done before the worker's next request. */
  after?: (worker: number, result: T) => Promise<void>;
}

export interface LoadResult {
  /** Latency of every successful request, ms. */
  latenciesMs: number[];
  errors: number;
  /** Counts per error description (HTTP status, exception message). */
  errorKinds: Record<string, number>;
  elapsedMs: number;
  /** Successful requests per second over the whole run. */
  throughput: number;
}

export async function closedLoop<T>(options: LoadOptions<T>): Promise<LoadResult> {
  if (options.total === undefined && options.durationMs === undefined) throw new Error('closedLoop needs total or durationMs');
  const latenciesMs: number[] = [];
  const errorKinds: Record<string, number> = {};
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const more = () =>
    (options.total === undefined || next < options.total) && (options.durationMs === undefined || performance.now() - started < options.durationMs);
  const worker = async (id: number) => {
    while (more()) {
      const seq = next++;
      const t0 = performance.now();
      let problem: string | undefined;
      let result: T | undefined;
      try {
        result = await options.run(id, seq);
        problem = options.check?.(result);
      } catch (error) {
        problem = `exception: ${(error as Error).message}`;
      }
      const latency = performance.now() - t0;
      if (problem === undefined) latenciesMs.push(latency);
      else {
        errors++;
        errorKinds[problem] = (errorKinds[problem] ?? 0) + 1;
      }
      if (result !== undefined && options.after) await options.after(id, result);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_, id) => worker(id)));
  const elapsedMs = performance.now() - started;
  return { latenciesMs, errors, errorKinds, elapsedMs, throughput: Math.round((latenciesMs.length / (elapsedMs / 1000)) * 10) / 10 };
}
