// Confirms that the DynamoDB tables the service needs exist and answer.
export interface TableProbe {
  /** Resolves when every table answers within the timeout; rejects naming the first that does not. */
  checkTables(timeoutMs: number): Promise<void>;
}
