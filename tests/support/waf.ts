// Evaluates a WebACL's rules on a request the way WAF does for the statements our template uses (geo, byte match on
// the URI path, and/or/not; rate-based rules are reported as what they would count), first matching rule wins.
export interface WafRequest {
  country: string;
  path: string;
}

type Statement = Record<string, unknown>;

export function matches(statement: Statement, request: WafRequest): boolean {
  const [kind, body] = Object.entries(statement)[0] as [string, Record<string, unknown>];
  switch (kind) {
    case 'GeoMatchStatement':
      return (body.CountryCodes as string[]).includes(request.country);
    case 'ByteMatchStatement': {
      const search = body.SearchString as string;
      if (!('UriPath' in (body.FieldToMatch as object))) throw new Error('only UriPath byte matches are modelled');
      switch (body.PositionalConstraint) {
        case 'EXACTLY':
          return request.path === search;
        case 'STARTS_WITH':
          return request.path.startsWith(search);
        case 'CONTAINS':
          return request.path.includes(search);
        default:
          throw new Error(`unmodelled constraint ${String(body.PositionalConstraint)}`);
      }
    }
    case 'AndStatement':
      return (body.Statements as Statement[]).every((s) => matches(s, request));
    case 'OrStatement':
      return (body.Statements as Statement[]).some((s) => matches(s, request));
    case 'NotStatement':
      return !matches(body.Statement as Statement, request);
    default:
      throw new Error(`unmodelled statement ${kind}`);
  }
}

/** What the WebACL does to one request: the first non-rate rule that blocks it, or the rate rules that would count it. */
export function evaluate(
  rules: Array<{ Name: string; Priority: number; Action?: Record<string, unknown>; Statement: Statement }>,
  request: WafRequest,
): { blockedBy?: string; rateLimitedBy: string[] } {
  const rateLimitedBy: string[] = [];
  for (const rule of [...rules].sort((a, b) => a.Priority - b.Priority)) {
    const rate = rule.Statement.RateBasedStatement as { ScopeDownStatement?: Statement } | undefined;
    if (rate) {
      if (!rate.ScopeDownStatement || matches(rate.ScopeDownStatement, request)) rateLimitedBy.push(rule.Name);
      continue;
    }
    if (!rule.Action) continue; // managed rule groups: what they block depends on the request's content, not its origin
    if ('Block' in rule.Action && matches(rule.Statement, request)) return { blockedBy: rule.Name, rateLimitedBy };
  }
  return { rateLimitedBy };
}
