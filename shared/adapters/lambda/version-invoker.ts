// Invokes one published version of a function synchronously and reads its JSON answer.
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { VersionInvoker } from '#shared/ports/deployments.js';

export class LambdaVersionInvoker implements VersionInvoker {
  constructor(private readonly client: LambdaClient) {}

  async invoke(functionName: string, version: string, event: unknown) {
    const answer = await this.client.send(
      new InvokeCommand({
        FunctionName: functionName,
        Qualifier: version,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(event)),
      }),
    );
    const text = answer.Payload ? new TextDecoder().decode(answer.Payload) : '';
    let payload: unknown;
    try {
      payload = text ? JSON.parse(text) : undefined;
    } catch {
      payload = undefined;
    }
    return { functionError: answer.FunctionError, payload };
  }
}
