// Starts a function's run without waiting for it (an asynchronous invoke): surge mode asking weather scaling to apply
// itself now rather than at its next scheduled run.
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';

export function invokeAsync(client: LambdaClient, functionName: string, payload: unknown = {}) {
  return async (): Promise<void> => {
    const answer = await client.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'Event',
        Payload: new TextEncoder().encode(JSON.stringify(payload)),
      }),
    );
    if (answer.StatusCode !== 202) throw new Error(`${functionName} was not started (status ${answer.StatusCode})`);
  };
}
