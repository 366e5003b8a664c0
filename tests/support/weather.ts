// Forecast fixtures and a recording fetch that serves them in each provider's real response shape.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../scripts/local/engines.js';
import type { FetchLike } from '#shared/adapters/weather/http.js';

export const weatherFixture = (name: string): string => path.join(projectRoot, 'tests/fixtures/weather', name);
export const readWeatherFixture = (name: string): string => readFileSync(weatherFixture(name), 'utf8');

export type Reply = { status: number; fixture: string } | { status: number; body: string } | { error: Error };

export interface RecordingFetch {
  fetch: FetchLike;
  requests: Array<{ url: URL; headers: Record<string, string> }>;
}

/** Answers each request with the next reply (the last one repeats), recording what was asked. */
export function fixtureFetch(...replies: Reply[]): RecordingFetch {
  const requests: RecordingFetch['requests'] = [];
  let next = 0;
  const fetch: FetchLike = (url, init) => {
    requests.push({ url: new URL(url), headers: init.headers });
    const reply = replies[Math.min(next++, replies.length - 1)]!;
    if ('error' in reply) return Promise.reject(reply.error);
    const body = 'fixture' in reply ? readWeatherFixture(reply.fixture) : reply.body;
    return Promise.resolve({ status: reply.status, text: () => Promise.resolve(body) });
  };
  return { fetch, requests };
}
