// One service a function needs, checked with the cheapest call that proves it answers (GET /ops/health).

export type DependencyKind = 'postgresql' | 'dynamodb' | 'kms' | 'secrets-manager' | 'sns';

export interface DependencyProbe {
  /** What operations read in the report: `postgresql:writer`, `dynamodb:locations`, `kms:phone-data-key`, … */
  readonly name: string;
  readonly kind: DependencyKind;
  /** Set when this stage does not use the service (say why); check is then never called. */
  readonly notUsed?: string;
  /** Resolves when the service answered as the functions need; rejects with why not. */
  check(timeoutMs: number): Promise<void>;
}

/** The service answered, but not as the functions need it (a table not ACTIVE, a key disabled). Its message is shown. */
export class DependencyNotReady extends Error {
  override readonly name = 'DependencyNotReady';
}
