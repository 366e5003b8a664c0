// Time and identity come through ports so tests are deterministic.
export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  /** A v4 UUID. */
  uuid(): string;
  /** A booking reference such as TH-7K3Q9P. */
  reference(): string;
  /** A fresh customer tracking token (URL-safe, >= 128 bits of entropy). */
  trackingToken(): string;
}
