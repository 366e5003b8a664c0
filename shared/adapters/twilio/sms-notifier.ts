// The secondary SMS provider: Twilio's Programmable Messaging REST API (POST /2010-04-01/Accounts/{sid}/Messages.json),
// over fetch, so the fallback adds no SDK to a bundle. It carries SMS only; operations alerts stay on SNS.
import { SendFailed, type Notification, type Notifier, type SendOptions } from '#shared/ports/notifier.js';

/** Basic auth as Twilio takes it: the account's auth token, or (preferred in production) an API key of that account. */
export type TwilioCredentials =
  { accountSid: string; authToken: string } | { accountSid: string; apiKeySid: string; apiKeySecret: string };

export type PostLike = (
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string; signal?: AbortSignal },
) => Promise<Pick<Response, 'status' | 'text'>>;

export interface TwilioOptions {
  /** https://api.twilio.com, or a local server in tests. */
  apiUrl: string;
  /** An E.164 number, or a Messaging Service SID (MG…), which then picks the number. */
  from: string;
  credentials: () => Promise<TwilioCredentials>;
  post?: PostLike;
}

/** Twilio answers 429 when throttled (error 20429) and 5xx when it is failing; any other 4xx will fail again. */
const transientStatus = (status: number) => status === 408 || status === 429 || status >= 500;

/** Twilio's error body is {code, message, more_info, status}: its code and words, not the whole body. */
function twilioReason(body: string): string {
  try {
    const parsed = JSON.parse(body) as { code?: unknown; message?: unknown };
    if (typeof parsed.message === 'string')
      return `${typeof parsed.code === 'number' ? `${parsed.code} ` : ''}${parsed.message}`;
  } catch {
    // not JSON: fall through to the raw text
  }
  return body.slice(0, 200);
}

export class TwilioSmsNotifier implements Notifier {
  readonly provider = 'twilio';

  constructor(private readonly options: TwilioOptions) {}

  async send(n: Notification, options: SendOptions = {}): Promise<void> {
    if (n.channel !== 'sms') throw new SendFailed('the Twilio fallback carries SMS only', false);
    const credentials = await this.options.credentials();
    const [user, password] =
      'apiKeySid' in credentials
        ? [credentials.apiKeySid, credentials.apiKeySecret]
        : [credentials.accountSid, credentials.authToken];
    const sender: [string, string] = this.options.from.startsWith('MG')
      ? ['MessagingServiceSid', this.options.from]
      : ['From', this.options.from];
    const url = `${this.options.apiUrl}/2010-04-01/Accounts/${encodeURIComponent(credentials.accountSid)}/Messages.json`;
    const post = this.options.post ?? ((u, init) => fetch(u, init));
    let response: Pick<Response, 'status' | 'text'>;
    let body: string;
    try {
      response = await post(url, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams([['To', n.to], sender, ['Body', n.text]]).toString(),
        signal: options.signal,
      });
      body = await response.text();
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw new SendFailed(
        timedOut
          ? 'Twilio did not answer in time'
          : `Twilio request failed: ${error instanceof Error ? error.message : String(error)}`,
        true,
      );
    }
    if (response.status >= 200 && response.status < 300) return;
    throw new SendFailed(
      `Twilio answered HTTP ${response.status}: ${twilioReason(body)}`,
      transientStatus(response.status),
    );
  }
}

/** The credentials secret's JSON, checked, so a wrong secret fails as a refusal (not retried) that says what is wrong. */
export function parseTwilioCredentials(value: unknown): TwilioCredentials {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const text = (key: string) => {
    const field = v[key];
    return typeof field === 'string' && field !== '' ? field : undefined;
  };
  const accountSid = text('accountSid');
  if (accountSid && text('apiKeySid') && text('apiKeySecret'))
    return { accountSid, apiKeySid: text('apiKeySid')!, apiKeySecret: text('apiKeySecret')! };
  if (accountSid && text('authToken')) return { accountSid, authToken: text('authToken')! };
  throw new SendFailed(
    'the Twilio credentials secret must hold {"accountSid","authToken"} or {"accountSid","apiKeySid","apiKeySecret"}',
    false,
  );
}
