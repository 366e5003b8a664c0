// The customer's tracking link, /t/{reference}#<token>: sent by SMS when a technician is assigned.

export interface TrackingLinks {
  /**
   * The request's tracking token, derived from its id with a stage key: the same whenever it is asked, so redispatch
   * (which never saw the token) can link a request intake created. Only the token's hash is stored.
   */
  tokenFor(requestId: string): Promise<string>;
  /** The link for a request, or undefined when its stored hash is not of the derived token (a request from before tokens were derived). */
  linkFor(request: { id: string; reference: string; trackingTokenHash: string }): Promise<string | undefined>;
}
