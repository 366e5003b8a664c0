// Checks that an SNS topic answers: GetTopicAttributes reads it without publishing anything.
import { GetTopicAttributesCommand, type SNSClient } from '@aws-sdk/client-sns';

export class SnsTopicProbe {
  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {}

  async check(timeoutMs: number): Promise<void> {
    await this.client.send(new GetTopicAttributesCommand({ TopicArn: this.topicArn }), {
      abortSignal: AbortSignal.timeout(timeoutMs),
    });
  }
}
