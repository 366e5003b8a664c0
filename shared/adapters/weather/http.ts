// JSON over HTTP for forecast providers: a timeout per attempt, bounded retries with backoff, providers' error bodies kept.
import { Unavailable } from '#shared/domain/errors.js';

export type FetchLike = (
  url: string,
  init: { headers: Record<string, string>; signal: AbortSignal },
) => Promise<Pick<Response, 'status' | 'text'>>;

export interface HttpPolicy {
  timeoutMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  /** Injected so tests can record the backoff instead of waiting for it. */
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Timeouts, throttling and server errors may pass; a bad key or a bad request will not, so those are not retried. */
const retryable = (status: number) => status === 408 || status === 429 || status >= 500;

/** The provider's own words, from Open-Meteo's {error, reason} or the Met Office gateway's {code, message, description}. */
function providerReason(body: string): string {
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    const reason =
      parsed.reason ?? parsed.description ?? parsed.message ?? parsed.moreInformation ?? parsed.httpMessage;
    if (typeof reason === 'string') return reason;
  } catch {
    // not JSON: fall through to the raw text
  }
  return body.slice(0, 200);
}

export async function getJson(
  fetchImpl: FetchLike,
  provider: string,
  url: string,
  headers: Record<string, string>,
  policy: HttpPolicy,
): Promise<unknown> {
  const sleep = policy.sleep ?? realSleep;
  let lastProblem = '';
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    if (attempt > 1) await sleep(policy.retryBaseMs * 2 ** (attempt - 2));
    let status: number;
    let body: string;
    try {
      const response = await fetchImpl(url, {
        headers: { accept: 'application/json', ...headers },
        signal: AbortSignal.timeout(policy.timeoutMs),
      });
      status = response.status;
      body = await response.text();
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      lastProblem = timedOut
        ? `no answer within ${policy.timeoutMs} ms`
        : `request failed: ${error instanceof Error ? error.message : String(error)}`;
      continue;
    }
    if (status >= 200 && status < 300) {
      try {
        return JSON.parse(body) as unknown;
      } catch {
        throw new Unavailable(`${provider} answered ${status} with a body that is not JSON`);
      }
    }
    lastProblem = `HTTP ${status}: ${providerReason(body)}`;
    if (!retryable(status)) throw new Unavailable(`${provider} refused the forecast request (${lastProblem})`);
  }
  throw new Unavailable(`${provider} gave no forecast after ${policy.maxAttempts} attempts (${lastProblem})`);
}
