// drFailover's verification: runs drDrill (the synthetic job on the test fleet) in this region and reads its verdict.
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';

export class LambdaDrillVerification {
  constructor(
    private readonly client: LambdaClient,
    private readonly functionName: string | undefined,
  ) {}

  async verify(operator: string): Promise<{ passed: boolean; detail: string }> {
    if (!this.functionName)
      return { passed: false, detail: 'DR_DRILL_FUNCTION_NAME is not set: nothing to verify with' };
    const answer = await this.client.send(
      new InvokeCommand({
        FunctionName: this.functionName,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify({ dryRun: false, operator })),
      }),
    );
    const text = answer.Payload ? new TextDecoder().decode(answer.Payload) : '';
    if (answer.FunctionError) return { passed: false, detail: `drDrill failed: ${text.slice(0, 300)}` };
    const report = JSON.parse(text) as { outcome?: string; result?: { failures?: string[] } };
    const passed = report.outcome === 'succeeded';
    return {
      passed,
      detail: passed
        ? 'synthetic job completed on the test fleet'
        : `drDrill ${report.outcome}: ${(report.result?.failures ?? []).join('; ')}`,
    };
  }
}
