// Timeouts for every AWS SDK client a function builds, so a service it cannot reach (no route from the VPC, an endpoint
// that black-holes connections) fails in about a second, naming the service, instead of at the Lambda timeout.
// Without them the SDK's Node handler waits on a connect or a reply indefinitely.

/**
 * request: the route and job paths, under API Gateway's 10 s function timeout (three attempts of 1 s to connect and 2 s
 * to answer fit inside it). control-plane: RDS, CloudWatch, Application Auto Scaling and DynamoDB control calls from the
 * scheduled and disaster-recovery functions (timeouts 55–900 s), where a failover or modify call may take its time.
 */
export type SdkBudget = 'request' | 'control-plane';

const budgets: Record<SdkBudget, { connectionTimeout: number; requestTimeout: number }> = {
  request: { connectionTimeout: 1_000, requestTimeout: 2_000 },
  'control-plane': { connectionTimeout: 2_000, requestTimeout: 10_000 },
};

/** Spread into any SDK v3 client's configuration: `new KMSClient({ region, ...sdkClientOptions() })`. */
export function sdkClientOptions(budget: SdkBudget = 'request') {
  // The object form: the client builds its own NodeHttpHandler from it, so nothing extra is bundled. Without
  // throwOnRequestTimeout, @smithy/node-http-handler only logs a warning when requestTimeout passes and keeps waiting.
  return { requestHandler: { ...budgets[budget], throwOnRequestTimeout: true } };
}

// Each client's stack is typed by its own command inputs; this middleware only passes them on.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Handler = (args: any) => Promise<unknown>;
interface ClientWithMiddleware {
  middlewareStack: {
    add(
      middleware: (next: Handler, context: { clientName?: string; commandName?: string }) => Handler,
      options: { step: 'initialize'; name: string },
    ): void;
  };
}

const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EAI_AGAIN',
]);

/** Whether an SDK call failed to reach its service at all (timed out, refused, no route, no name). */
export function isUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return error.name === 'TimeoutError' || (typeof code === 'string' && networkCodes.has(code));
}

/**
 * Prefixes an unreachable call's error message with the service and operation ("KMS GenerateMac unreachable: …"), so
 * the log line says which dependency a function could not reach. Added at the initialize step, outside the retries,
 * so the message is rewritten once, for the error the caller finally sees. The error's name and code are kept.
 */
export function namingUnreachable<C extends ClientWithMiddleware>(client: C): C {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (isUnreachable(error)) {
          const service = (context.clientName ?? 'AWS').replace(/Client$/, '');
          const operation = (context.commandName ?? '').replace(/Command$/, '');
          (error as Error).message = `${service} ${operation} unreachable: ${(error as Error).message}`;
        }
        throw error;
      }
    },
    { step: 'initialize', name: 'namingUnreachable' },
  );
  return client;
}
