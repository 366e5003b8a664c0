// Notifier over SNS (deployed stages) or the log (local stage: nothing leaves the machine).
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Log } from '#shared/ports/logger.js';
import type { Notification, Notifier, SendOptions } from '#shared/ports/notifier.js';

export class SnsNotifier implements Notifier {
  constructor(
    private readonly sns: SNSClient,
    private readonly operationsTopicArn: string,
  ) {}

  async send(n: Notification, options: SendOptions = {}): Promise<void> {
    const sendOptions = options.signal ? { abortSignal: options.signal } : undefined;
    if (n.channel === 'sms') {
      await this.sns.send(
        new PublishCommand({
          PhoneNumber: n.to,
          Message: n.text,
          MessageAttributes: {
            // Transactional: delivered ahead of promotional traffic, as an emergency update must be.
            'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
            'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: 'TyreHero' },
          },
        }),
        sendOptions,
      );
    } else {
      await this.sns.send(
        new PublishCommand({ TopicArn: this.operationsTopicArn, Subject: n.subject, Message: n.text }),
        sendOptions,
      );
    }
  }
}

export class LogNotifier implements Notifier {
  constructor(private readonly log: Log) {}

  send(n: Notification): Promise<void> {
    this.log.info(`NOT SENT (local stage) ${n.channel} ${n.purpose}`, { notification: n });
    return Promise.resolve();
  }
}
