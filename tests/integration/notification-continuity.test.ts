// Notification continuity as a texting function composes it (shared/compose/notifier.ts + sms-continuity.ts): SNS stubbed with
// aws-sdk-client-mock, the Twilio fallback against a local HTTP server, time and jitter injected (no real waits).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AuthorizationErrorException,
  InternalErrorException,
  PublishCommand,
  SNSClient,
  ThrottledException,
} from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Config } from '../../scripts/config.js';
import { NotificationUndelivered } from '#shared/adapters/notifications/sms-continuity.js';
import { parseTwilioCredentials, TwilioSmsNotifier } from '#shared/adapters/twilio/sms-notifier.js';
import { notifier } from '#shared/compose/notifier.js';
import { smsClient, smsContinuity } from '#shared/compose/sms-continuity.js';
import type { Log } from '#shared/ports/logger.js';
import { SendFailed, type Notification, type SyntheticNotificationLog } from '#shared/ports/notifier.js';
import { metrics } from '#shared/powertools/metrics.js';

const topic = 'arn:aws:sns:eu-west-2:123456789012:tyrehero-dispatch-test-ops-alerts';
const sns = mockClient(SNSClient);
const silent: Log = { info: () => undefined, warn: () => undefined, error: () => undefined };
const sdkError = <E>(Type: new (o: { message: string; $metadata: object }) => E, message: string) =>
  new Type({ message, $metadata: {} });

/** The local stand-in for api.twilio.com: records every request and answers from a queue of statuses. */
interface Received {
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
  body: string;
}
let server: Server;
let apiUrl: string;
let received: Received[];
let answers: Array<number | 'hang'>;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, headers: req.headers, body });
      const status = answers.shift() ?? 201;
      if (status === 'hang') return;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(
        status === 201
          ? JSON.stringify({ sid: 'SM0123', status: 'queued' })
          : JSON.stringify({
              code: status === 400 ? 21211 : 20500,
              message: status === 400 ? "The 'To' number is not a valid phone number." : 'Internal Server Error',
              status,
            }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

let now: number;
let sleeps: number[];
let timeouts: number[];
let counted: string[];
let recorded: Notification[];
let hangAfterTimeout: boolean;

beforeEach(() => {
  sns.reset();
  received = [];
  answers = [];
  now = Date.parse('2026-01-14T14:00:00Z');
  sleeps = [];
  timeouts = [];
  counted = [];
  recorded = [];
  hangAfterTimeout = false;
});

const synthetic: SyntheticNotificationLog = {
  record: (n) => {
    recorded.push(n);
    return Promise.resolve();
  },
  listFor: () => Promise.resolve([]),
};

const config = (fallback: 'none' | 'twilio'): Pick<Config, 'region' | 'notifier' | 'sms'> => ({
  region: 'eu-west-2',
  notifier: { kind: 'sns', opsTopicArn: topic },
  sms: {
    retry: { maxAttempts: 3, retryBaseMs: 100, attemptTimeoutMs: 400, budgetMs: 1200 },
    fallback:
      fallback === 'twilio'
        ? { kind: 'twilio', apiUrl, from: '+447700900999', secretId: 'tyrehero-dispatch/test/sms-fallback' }
        : { kind: 'none' },
  },
});

/** The notifier a texting function composes, with the clock moved by the backoff and by attempts that time out. */
function compose(fallback: 'none' | 'twilio', options: { count?: boolean } = {}) {
  const clock = { now: () => new Date(now) };
  return notifier(config(fallback), silent, synthetic, {
    clock,
    real: smsContinuity(config(fallback), silent, {
      clock,
      sleep: (ms) => {
        sleeps.push(ms);
        now += ms;
        return Promise.resolve();
      },
      random: () => 0.5,
      timeoutSignal: (ms) => {
        timeouts.push(ms);
        const controller = new AbortController();
        // A hung provider: the attempt's whole timeout passes (on the fake clock), then it is aborted: once the local
        // fallback has the request (Node 22's fetch takes a few turns of the loop to send it), or at once for SNS,
        // whose mock holds nothing on the network.
        if (hangAfterTimeout) {
          const before = received.length;
          const abortWhenHeld = (turns: number) =>
            setImmediate(() => {
              if (received.length === before && turns > 0) return abortWhenHeld(turns - 1);
              now += ms;
              controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
            });
          abortWhenHeld(1000);
        }
        return controller.signal;
      },
      ...(options.count === false ? {} : { count: (metric) => counted.push(metric) }),
      fallbackCredentials: () =>
        Promise.resolve({
          accountSid: 'AC0000000000000000000000000000test',
          apiKeySid: 'SK0000000000000000000000000000test',
          apiKeySecret: 'fallback-secret',
        }),
    }),
  });
}

const sms: Notification = {
  channel: 'sms',
  purpose: 'customer-assigned',
  requestId: 'r-1',
  to: '+447700900123',
  text: 'TyreHero TH-ABC123: Sophie is coming to you.',
};
const smsPublish = {
  PhoneNumber: '+447700900123',
  Message: 'TyreHero TH-ABC123: Sophie is coming to you.',
  MessageAttributes: {
    'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
    'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: 'TyreHero' },
  },
};
const publishes = () => sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
const twilioRequest = {
  method: 'POST',
  url: '/2010-04-01/Accounts/AC0000000000000000000000000000test/Messages.json',
  body: 'To=%2B447700900123&From=%2B447700900999&Body=TyreHero+TH-ABC123%3A+Sophie+is+coming+to+you.',
};
const twilioAuth = `Basic ${Buffer.from('SK0000000000000000000000000000test:fallback-secret').toString('base64')}`;

describe('notification continuity', () => {
  it('recovers a throttled SNS publish by retrying after a jittered backoff, without the fallback', async () => {
    sns.on(PublishCommand).rejectsOnce(sdkError(ThrottledException, 'Rate exceeded')).resolves({ MessageId: 'm-1' });
    await compose('twilio').send(sms);

    expect(publishes()).toEqual([smsPublish, smsPublish]);
    // Every attempt carries an abort signal: the SDK gives up on the request when its attempt's time is up.
    for (const call of sns.commandCalls(PublishCommand))
      expect((call.args as unknown[])[1]).toEqual({ abortSignal: expect.any(AbortSignal) });
    expect(sleeps).toEqual([50]); // random 0.5 × 100 ms × 2^0
    expect(timeouts).toEqual([400, 400]);
    expect(received).toEqual([]);
    expect(counted).toEqual([]);
  });

  it('falls back to Twilio after three failed SNS attempts, with the exact request Twilio documents', async () => {
    sns.on(PublishCommand).rejects(sdkError(InternalErrorException, 'Internal error'));
    await compose('twilio').send(sms);

    expect(publishes()).toEqual([smsPublish, smsPublish, smsPublish]);
    expect(sleeps).toEqual([50, 100]);
    expect(received).toEqual([
      {
        ...twilioRequest,
        headers: expect.objectContaining({
          authorization: twilioAuth,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        }),
      },
    ]);
    expect(counted).toEqual(['SmsSentByFallback']);
  });

  it('goes straight to the fallback when SNS refuses (no permission), without retrying the refusal', async () => {
    sns.on(PublishCommand).rejects(sdkError(AuthorizationErrorException, 'not authorised to publish'));
    await compose('twilio').send(sms);
    expect(publishes()).toEqual([smsPublish]);
    expect(sleeps).toEqual([]);
    expect(received.map((r) => r.url)).toEqual([twilioRequest.url]);
  });

  it('retries the fallback too, on its 5xx', async () => {
    sns.on(PublishCommand).rejects(sdkError(InternalErrorException, 'Internal error'));
    answers = [503];
    await compose('twilio').send(sms);
    expect(received.map((r) => r.body)).toEqual([twilioRequest.body, twilioRequest.body]);
    expect(sleeps).toEqual([50, 100, 50]);
    expect(counted).toEqual(['SmsSentByFallback']);
  });

  it('ends a final failure in an operations alert on the topic and NotificationUndelivered, then tells the caller', async () => {
    sns
      .on(PublishCommand, { PhoneNumber: '+447700900123' })
      .rejects(sdkError(InternalErrorException, 'Internal error'));
    sns.on(PublishCommand, { TopicArn: topic }).resolves({ MessageId: 'ops-1' });
    answers = [500, 500, 500];
    await expect(compose('twilio').send(sms)).rejects.toBeInstanceOf(NotificationUndelivered);

    expect(received).toHaveLength(3);
    expect(publishes()).toEqual([
      smsPublish,
      smsPublish,
      smsPublish,
      {
        TopicArn: topic,
        Subject: '[P3] TyreHero SMS not delivered: customer-assigned',
        Message: [
          'A customer-assigned SMS to +44*******123 about request r-1 was not delivered after 300 ms.',
          'Tried: sns (3 attempts: InternalErrorException: Internal error); then twilio (3 attempts: SendFailed: Twilio answered HTTP 500: 20500 Internal Server Error).',
          'Contact them another way (ops console, phone) and check the SMS providers.',
        ].join('\n'),
      },
    ]);
    expect(sleeps).toEqual([50, 100, 50, 100]);
    expect(counted).toEqual(['NotificationUndelivered']);
  });

  it('publishes NotificationUndelivered through Powertools metrics, and still when the operations topic fails too', async () => {
    const addMetric = vi.spyOn(metrics, 'addMetric');
    sns.on(PublishCommand).rejects(sdkError(InternalErrorException, 'Internal error'));
    await expect(compose('none', { count: false }).send(sms)).rejects.toThrow(
      'customer-assigned SMS not delivered by any provider',
    );
    expect(addMetric.mock.calls).toEqual([['NotificationUndelivered', 'Count', 1]]);
    // Three SMS attempts, then the alert was tried on the operations topic (and failed: the metric's alarm remains).
    expect(publishes().map((p) => p.TopicArn ?? p.PhoneNumber)).toEqual([
      '+447700900123',
      '+447700900123',
      '+447700900123',
      topic,
    ]);
    addMetric.mockRestore();
  });

  it('bounds a hung SNS and a hung fallback by the message budget: one attempt each, then the alert', async () => {
    hangAfterTimeout = true;
    sns.on(PublishCommand, { PhoneNumber: '+447700900123' }).callsFake(() => new Promise(() => undefined));
    sns.on(PublishCommand, { TopicArn: topic }).resolves({ MessageId: 'ops-1' });
    answers = ['hang'];
    const started = now;
    await expect(compose('twilio').send(sms)).rejects.toBeInstanceOf(NotificationUndelivered);
    // SNS: 400 ms and no retry (a retry would eat the fallback's reserved 400 ms); Twilio: 400 ms; then the alert.
    expect(timeouts).toEqual([400, 400, 400]);
    expect(sleeps).toEqual([]);
    expect(received).toHaveLength(1);
    expect(now - started).toBeLessThanOrEqual(1200 + 400);
    expect(publishes().at(-1)).toMatchObject({
      TopicArn: topic,
      Message: expect.stringContaining('not delivered after 800 ms'),
    });
  });

  it('sends operations messages on their own path: once, to the topic, never retried as SMS nor to the fallback', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'ops-1' });
    await compose('twilio').send({ channel: 'operations', purpose: 'sla-at-risk', subject: 'S', text: 'T' });
    expect(publishes()).toEqual([{ TopicArn: topic, Subject: 'S', Message: 'T' }]);
    expect(timeouts).toEqual([]);
    expect(received).toEqual([]);
  });

  it('never lets a synthetic message reach SNS or the fallback: it is recorded', async () => {
    sns.on(PublishCommand).rejects(sdkError(InternalErrorException, 'Internal error'));
    await compose('twilio').send({ ...sms, synthetic: { requestId: 'r-test' } });
    expect(recorded).toEqual([{ ...sms, synthetic: { requestId: 'r-test' } }]);
    expect(publishes()).toEqual([]);
    expect(received).toEqual([]);
    expect(counted).toEqual([]);
  });

  it('builds the SMS client without SDK retries, so continuity alone decides the attempts', async () => {
    expect(await smsClient('eu-west-2').config.maxAttempts()).toBe(1);
  });
});

describe('TwilioSmsNotifier', () => {
  const twilio = (from: string) =>
    new TwilioSmsNotifier({
      apiUrl,
      from,
      credentials: () => Promise.resolve({ accountSid: 'ACabc', authToken: 'token' }),
    });

  it('sends through a Messaging Service when the sender is one, with the account SID and auth token as Basic auth', async () => {
    await twilio('MG0123').send(sms);
    expect(received).toEqual([
      {
        method: 'POST',
        url: '/2010-04-01/Accounts/ACabc/Messages.json',
        headers: expect.objectContaining({ authorization: `Basic ${Buffer.from('ACabc:token').toString('base64')}` }),
        body: 'To=%2B447700900123&MessagingServiceSid=MG0123&Body=TyreHero+TH-ABC123%3A+Sophie+is+coming+to+you.',
      },
    ]);
  });

  it('reports a 400 as a refusal in Twilio’s words, and a 429 as transient', async () => {
    answers = [400, 429];
    const refusal = await twilio('+447700900999')
      .send(sms)
      .catch((e: unknown) => e);
    expect(refusal).toEqual(
      new SendFailed("Twilio answered HTTP 400: 21211 The 'To' number is not a valid phone number.", false),
    );
    expect(
      (
        (await twilio('+447700900999')
          .send(sms)
          .catch((e: unknown) => e)) as SendFailed
      ).transient,
    ).toBe(true);
  });

  it('refuses to carry operations messages', async () => {
    await expect(
      twilio('+447700900999').send({ channel: 'operations', purpose: 'sla-at-risk', subject: 'S', text: 'T' }),
    ).rejects.toThrow('carries SMS only');
    expect(received).toEqual([]);
  });

  it.each([
    [
      { accountSid: 'AC1', authToken: 't' },
      { accountSid: 'AC1', authToken: 't' },
    ],
    [
      { accountSid: 'AC1', apiKeySid: 'SK1', apiKeySecret: 's', authToken: 't' },
      { accountSid: 'AC1', apiKeySid: 'SK1', apiKeySecret: 's' },
    ],
  ])('reads credentials %j', (secret, expected) => {
    expect(parseTwilioCredentials(secret)).toEqual(expected);
  });

  it.each([undefined, 'token', {}, { accountSid: 'AC1' }, { accountSid: 'AC1', apiKeySid: 'SK1' }])(
    'refuses credentials %j',
    (secret) => {
      expect(() => parseTwilioCredentials(secret)).toThrow('the Twilio credentials secret must hold');
    },
  );
});
