// A model of the deployed account: for every function in a stage's packaged templates, each call it makes
// (tests/fixtures/account-model/calls.yml) is placed against what AWS will evaluate: the role's IAM statements, the key
// policy of every customer-managed key the call touches (kms:ViaService where AWS decrypts for the caller), a network
// path from where the function runs, and AWS's documented constraints (tests/fixtures/account-model/constraints.yml).
// What it cannot place is a finding: the function, the call and what is missing.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { projectRoot } from '../../scripts/local/engines.js';
import { settings } from '../../scripts/config.js';
import type { Resource, Template } from './package.js';

export const ACCOUNT = '123456789012';
/** The concurrent-executions quota per region docs/operations.md's deploy prerequisites ask the account for. */
export const CONCURRENCY_QUOTA = 1000;
const modelDir = path.join(projectRoot, 'tests/fixtures/account-model');

// ---------------------------------------------------------------------------------------------------------- the calls

export interface Call {
  text: string;
  service: string;
  action: string;
  resource: string;
  /** Environment variable holding the region, when the call leaves the function's own. */
  regionVariable?: string;
  when?: string;
}

interface Manifest {
  groups: Record<string, string[]>;
  bundledNotCalled: Record<string, Record<string, string>>;
  implied: Record<string, string[]>;
  functions: Record<string, string[]>;
}

export const manifest = yaml.load(readFileSync(path.join(modelDir, 'calls.yml'), 'utf8')) as Manifest;

export function parseCall(text: string): Call {
  const [, head, when] = /^(.*?)(?: when (.+))?$/.exec(text.trim())!;
  const [target, resource = '', region] = head!.trim().split(/\s+/);
  const [service, action = ''] = target!.includes(':')
    ? [target!.slice(0, target!.indexOf(':')), target!.slice(target!.indexOf(':') + 1)]
    : [target!, ''];
  return {
    text,
    service: service,
    action,
    resource,
    ...(region ? { regionVariable: region.replace(/^@/, '') } : {}),
    ...(when ? { when } : {}),
  };
}

/** A function's declared calls, groups expanded (conditions not yet applied). */
export function declaredCalls(name: string): Call[] {
  const entries = manifest.functions[name];
  if (!entries) throw new Error(`tests/fixtures/account-model/calls.yml has no entry for function ${name}`);
  const notText = entries.find((e) => typeof e !== 'string');
  if (notText !== undefined)
    throw new Error(`calls.yml, ${name}: ${JSON.stringify(notText)} is not a call (quote a line that ends in a colon)`);
  return entries
    .flatMap((entry) =>
      entry.startsWith('+') ? (manifest.groups[entry.slice(1)] ?? [`missing group ${entry}`]) : [entry],
    )
    .map(parseCall);
}

// ------------------------------------------------------------------------------------------------------ the templates

export interface RegionTemplate {
  region: string;
  template: Template;
}

export interface Account {
  service: string;
  stage: string;
  /** The stage's templates, the pair's primary first. */
  regions: RegionTemplate[];
}

type Value = string | string[] | undefined;

// A Cognito user pool's jwks.json: two RSA-2048 keys, about the size Cognito publishes.
const jwksStandIn = JSON.stringify({
  keys: ['a', 'b'].map((kid) => ({
    alg: 'RS256',
    e: 'AQAB',
    kid: `${kid}`.repeat(44),
    kty: 'RSA',
    n: 'x'.repeat(342),
    use: 'sig',
  })),
});

/**
 * What docs/operations.md's "First deploy of a pair" copies into SSM, as the account would hold it: the secondary's values are
 * the primary's (secret ARNs with the region changed, as the copy step does).
 */
function ssmStandIn(account: Account, region: string, name: string): string {
  const primary = account.regions[0]!;
  const atPrimary = (expr: unknown) => String(new Evaluator(account, primary).value(expr));
  const rest = name.replace(`/${account.service}/${account.stage}/`, '');
  const inThisRegion = (arn: string) => arn.replace(`:${primary.region}:`, `:${region}:`);
  const table: Record<string, () => string> = {
    'pairing/staff-user-pool-id': () => atPrimary({ Ref: 'StaffUserPool' }),
    'pairing/staff-app-client-id': () => atPrimary({ Ref: 'StaffAppClient' }),
    'pairing/staff-jwks': () => jwksStandIn,
    'pairing/database-secret-arn': () => inThisRegion(atPrimary({ Ref: 'DatabaseSecret' })),
    'pairing/database-app-secret-arn': () => inThisRegion(atPrimary({ Ref: 'AppDatabaseSecret' })),
    'pairing/phone-data-key-arn': () => atPrimary({ 'Fn::GetAtt': ['PhoneDataKey', 'Arn'] }),
    'pairing/phone-hash-key-arn': () => atPrimary({ 'Fn::GetAtt': ['PhoneHashKey', 'Arn'] }),
    'hosted-zone-id': () => 'Z0123456789STANDIN',
    'sms-fallback-from': () => '+447700900000',
    'incident-webhook-url': () => 'https://events.example-incident-tool.com/integration/standin',
  };
  const standIn = table[rest];
  if (!standIn)
    throw new Error(`the account model has no stand-in for SSM parameter ${name}: add what the deploy steps put there`);
  return standIn();
}

/** Evaluates template expressions to the strings CloudFormation would produce, with stand-ins for generated names. */
export class Evaluator {
  readonly resources: Record<string, Resource>;
  constructor(
    readonly account: Account,
    readonly at: RegionTemplate,
  ) {
    this.resources = at.template.Resources;
  }

  get region() {
    return this.at.region;
  }

  /** An ARN in this account, in `region` (the template's own unless a call leaves it). */
  arn(service: string, rest: string, region = this.region) {
    return `arn:aws:${service}:${region}:${ACCOUNT}:${rest}`;
  }

  value(expr: unknown): Value {
    // A dynamic reference resolves as the template parameter would: to what the deploy steps put in SSM.
    if (typeof expr === 'string')
      return expr.replace(/\{\{resolve:ssm:([^}:]+)\}\}/g, (_, name: string) =>
        ssmStandIn(this.account, this.region, name),
      );
    if (typeof expr === 'number' || typeof expr === 'boolean') return String(expr);
    if (Array.isArray(expr)) return expr.flatMap((e) => this.value(e) ?? []);
    if (!expr || typeof expr !== 'object') return undefined;
    const [[fn, arg]] = Object.entries(expr) as [[string, unknown]];
    switch (fn) {
      case 'Ref':
        return this.ref(String(arg));
      case 'Fn::GetAtt': {
        const [id, ...attribute] = Array.isArray(arg) ? (arg as string[]) : String(arg).split('.');
        return this.attribute(id!, attribute.join('.'));
      }
      case 'Fn::Sub': {
        const [text, vars] = Array.isArray(arg) ? (arg as [string, Record<string, unknown>]) : [arg as string, {}];
        return text.replace(/\$\{(!?)([^}]+)\}/g, (_, literal: string, name: string) => {
          if (literal) return `\${${name}}`;
          if (vars && name in vars) return String(this.value(vars[name]));
          const [id, ...attribute] = name.split('.');
          return String(attribute.length ? this.attribute(id!, attribute.join('.')) : this.ref(id!));
        });
      }
      case 'Fn::Join': {
        const [separator, parts] = arg as [string, unknown[]];
        return parts.map((p) => this.value(p)).join(separator);
      }
      case 'Fn::Select': {
        const [index, list] = arg as [number, unknown];
        return (this.value(list) as string[])[Number(index)];
      }
      case 'Fn::GetAZs':
        return ['a', 'b', 'c'].map((az) => `${this.region}${az}`);
      default:
        throw new Error(`the account model cannot evaluate ${fn}`);
    }
  }

  ref(id: string): string {
    const pseudo: Record<string, string> = {
      'AWS::Region': this.region,
      'AWS::AccountId': ACCOUNT,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': `${this.account.service}-${this.account.stage}`,
    };
    if (id in pseudo) return pseudo[id]!;
    const parameter = this.at.template.Parameters?.[id] as { Type: string; Default?: string } | undefined;
    if (parameter)
      return parameter.Type.startsWith('AWS::SSM::Parameter::Value')
        ? ssmStandIn(this.account, this.region, parameter.Default!)
        : String(parameter.Default ?? '');
    const resource = this.resources[id];
    if (!resource) throw new Error(`Ref ${id}: no such resource in ${this.region}`);
    const p = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable':
        return String(this.value(p.TableName));
      case 'AWS::KMS::Key':
        return p.MultiRegion ? `mrk-${id}` : `key-${id}`;
      case 'AWS::KMS::ReplicaKey':
        return String(this.value(p.PrimaryKeyArn)).split('key/')[1]!;
      case 'AWS::KMS::Alias':
        return String(this.value(p.AliasName));
      case 'AWS::SecretsManager::Secret':
        return this.arn('secretsmanager', `secret:${String(this.value(p.Name))}-AbCdEf`);
      case 'AWS::SNS::Topic':
        return this.arn('sns', String(this.value(p.TopicName) ?? id));
      case 'AWS::SQS::Queue':
        return `https://sqs.${this.region}.amazonaws.com/${ACCOUNT}/${String(this.value(p.QueueName) ?? id)}`;
      case 'AWS::RDS::DBCluster':
        return String(
          this.value(p.DBClusterIdentifier) ??
            `${this.account.service}-${this.account.stage}-${id.toLowerCase()}-standin`,
        );
      case 'AWS::Cognito::UserPool':
        return `${this.region}_${id}`;
      case 'AWS::Lambda::Function':
        return String(this.value(p.FunctionName) ?? id);
      case 'AWS::IAM::Role':
        return String(this.value(p.RoleName) ?? id);
      default:
        return id;
    }
  }

  attribute(id: string, attribute: string): string {
    const resource = this.resources[id];
    if (!resource) throw new Error(`GetAtt ${id}.${attribute}: no such resource in ${this.region}`);
    const ref = this.ref(id);
    if (attribute === 'Arn' || attribute === 'TopicArn') {
      switch (resource.Type) {
        case 'AWS::DynamoDB::Table':
        case 'AWS::DynamoDB::GlobalTable':
          return this.arn('dynamodb', `table/${ref}`);
        case 'AWS::KMS::Key':
        case 'AWS::KMS::ReplicaKey':
          return this.arn('kms', `key/${ref}`);
        case 'AWS::SQS::Queue':
          return this.arn('sqs', ref.split('/').pop()!);
        case 'AWS::Lambda::Function':
          return this.arn('lambda', `function:${ref}`);
        case 'AWS::IAM::Role':
          return `arn:aws:iam::${ACCOUNT}:role/${ref}`;
        case 'AWS::Location::PlaceIndex':
          return this.arn('geo', `place-index/${String(this.value(resource.Properties.IndexName))}`);
        case 'AWS::Location::RouteCalculator':
          return this.arn('geo', `route-calculator/${String(this.value(resource.Properties.CalculatorName))}`);
        case 'AWS::Cognito::UserPool':
          return this.arn('cognito-idp', `userpool/${ref}`);
        case 'AWS::RDS::DBCluster':
          return this.arn('rds', `cluster:${ref}`);
        default:
          return ref.startsWith('arn:') ? ref : this.arn(resource.Type.split('::')[1]!.toLowerCase(), ref);
      }
    }
    if (resource.Type === 'AWS::RDS::DBProxy' && attribute === 'Endpoint')
      return `${ref}.proxy-standin.${this.region}.rds.amazonaws.com`;
    if (resource.Type === 'Custom::StaffJwks' && attribute === 'Jwks') return jwksStandIn;
    return `${id}.${attribute}`;
  }
}

// ---------------------------------------------------------------------------------------------------------- policies

const wildcard = (pattern: string, value: string, caseless = false) =>
  new RegExp(
    `^${pattern
      .split(/(\*|\?)/)
      .map((part) => (part === '*' ? '.*' : part === '?' ? '.' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('')}$`,
    caseless ? 'i' : '',
  ).test(value);
const list = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** The request context the conditions the project's policies use are evaluated against. */
interface RequestContext {
  principalArn: string;
  viaService?: string;
}

function conditionHolds(condition: Statement['Condition'], context: RequestContext, evaluator: Evaluator): boolean {
  const keys: Record<string, string | undefined> = {
    'aws:principalarn': context.principalArn,
    'aws:principalaccount': ACCOUNT,
    'kms:calleraccount': ACCOUNT,
    'kms:viaservice': context.viaService,
    'aws:principalisawsservice': 'false',
    'kms:grantisforawsresource': 'false',
  };
  return Object.entries(condition ?? {}).every(([operator, tests]) =>
    Object.entries(tests).every(([key, expected]) => {
      const ifExists = operator.endsWith('IfExists');
      const base = operator.replace(/IfExists$/, '');
      if (!(key.toLowerCase() in keys)) return false; // a key the model does not know: never assume it holds
      const actual = keys[key.toLowerCase()];
      if (actual === undefined) return ifExists;
      const values = list(expected).flatMap((v) => evaluator.value(v) ?? []);
      if (base === 'StringEquals' || base === 'ArnEquals' || base === 'Bool') return values.some((v) => v === actual);
      if (base === 'StringLike' || base === 'ArnLike') return values.some((v) => wildcard(v, actual));
      return false;
    }),
  );
}

const matchesAction = (s: Statement, action: string) =>
  s.Action !== undefined
    ? list(s.Action).some((a) => wildcard(String(a), action, true))
    : !list(s.NotAction).some((a) => wildcard(String(a), action, true));

function matchesResource(s: Statement, resource: string, evaluator: Evaluator) {
  const patterns = (value: unknown) => list(value).flatMap((r) => evaluator.value(r) ?? []);
  return s.Resource !== undefined
    ? patterns(s.Resource).some((r) => wildcard(r, resource))
    : !patterns(s.NotResource).some((r) => wildcard(r, resource));
}

export function roleStatements(
  evaluator: Evaluator,
  fnResource: Resource,
): { roleArn: string; statements: Statement[] } {
  const roleId = (fnResource.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!;
  const role = evaluator.resources[roleId]!;
  const statements = (role.Properties.Policies ?? []).flatMap(
    (p: { PolicyDocument: { Statement: Statement[] } }) => p.PolicyDocument.Statement,
  ) as Statement[];
  return { roleArn: evaluator.attribute(roleId, 'Arn'), statements };
}

/** IAM: an explicit Deny wins; otherwise some Allow must match. Conditions on IAM statements are taken as met. */
export function iamAllows(statements: Statement[], action: string, resource: string, evaluator: Evaluator): boolean {
  const applies = (s: Statement) => matchesAction(s, action) && matchesResource(s, resource, evaluator);
  if (statements.some((s) => s.Effect === 'Deny' && applies(s))) return false;
  return statements.some((s) => s.Effect === 'Allow' && applies(s));
}

// -------------------------------------------------------------------------------------------------------------- keys

interface Key {
  id: string;
  evaluator: Evaluator;
  policy: Statement[];
}

/** The customer-managed key a key id, key ARN, alias name or alias ARN names, in the stage's templates; undefined for AWS's own keys. */
export function findKey(account: Account, region: string, reference: string): Key | 'aws-managed' | undefined {
  if (/alias\/aws\//.test(reference)) return 'aws-managed';
  const at = account.regions.find((r) => r.region === region);
  if (!at) return undefined;
  const evaluator = new Evaluator(account, at);
  const aliasName = /alias\/.+$/.exec(reference)?.[0];
  for (const [id, resource] of Object.entries(at.template.Resources)) {
    if (
      aliasName &&
      resource.Type === 'AWS::KMS::Alias' &&
      evaluator.value(resource.Properties.AliasName) === aliasName
    ) {
      return findKey(account, region, String(evaluator.value(resource.Properties.TargetKeyId)));
    }
    if (resource.Type !== 'AWS::KMS::Key' && resource.Type !== 'AWS::KMS::ReplicaKey') continue;
    if (reference === evaluator.ref(id) || reference === evaluator.attribute(id, 'Arn'))
      return { id, evaluator, policy: resource.Properties.KeyPolicy.Statement as Statement[] };
  }
  return undefined;
}

const principalMatches = (principal: unknown, roleArn: string, evaluator: Evaluator): 'direct' | 'account' | false => {
  const aws =
    principal === '*' ? ['*'] : list((principal as { AWS?: unknown })?.AWS).flatMap((p) => evaluator.value(p) ?? []);
  if (aws.includes('*') || aws.includes(roleArn)) return 'direct';
  return aws.some((p) => String(p) === `arn:aws:iam::${ACCOUNT}:root`) ? 'account' : false;
};

/** Whether the key's policy (and, where it delegates to the account, the role's IAM policy) lets the role do `action`. */
export function keyAllows(
  key: Key,
  action: string,
  context: RequestContext,
  iam: Statement[],
  callerEvaluator: Evaluator,
): boolean {
  const keyArn = key.evaluator.attribute(key.id, 'Arn');
  const applies = (s: Statement) => matchesAction(s, action) && conditionHolds(s.Condition, context, key.evaluator);
  const denied = key.policy.some(
    (s) => s.Effect === 'Deny' && principalMatches(s.Principal, context.principalArn, key.evaluator) && applies(s),
  );
  if (denied) return false;
  return key.policy.some((s) => {
    if (s.Effect !== 'Allow' || !applies(s)) return false;
    const principal = principalMatches(s.Principal, context.principalArn, key.evaluator);
    // The account as principal lets IAM policies grant the key's use: the role must then be granted it itself.
    return principal === 'direct' || (principal === 'account' && iamAllows(iam, action, keyArn, callerEvaluator));
  });
}

// ------------------------------------------------------------------------------------------------------------ network

interface NetworkSide {
  subnets: string[];
  securityGroups: string[];
}

const endpointName: Record<string, string> = {
  dynamodb: 'dynamodb',
  kms: 'kms',
  secretsmanager: 'secretsmanager',
  sns: 'sns',
  sqs: 'sqs',
  'geo.places': 'geo.places',
  'geo.routes': 'geo.routes',
  cloudwatch: 'monitoring',
  rds: 'rds',
  ssm: 'ssm',
  'application-autoscaling': 'application-autoscaling',
  lambda: 'lambda',
  logs: 'logs',
  'cognito-idp': 'cognito-idp',
};

const byType = (template: Template, type: string) =>
  Object.entries(template.Resources).filter(([, r]) => r.Type === type);

function routeTablesOf(evaluator: Evaluator, subnets: string[]): string[] {
  return byType(evaluator.at.template, 'AWS::EC2::SubnetRouteTableAssociation')
    .filter(([, a]) => subnets.includes(String(evaluator.value(a.Properties.SubnetId))))
    .map(([, a]) => String(evaluator.value(a.Properties.RouteTableId)));
}

const cidrCovers = (cidr: string, inner: string) => {
  const toInt = (ip: string) => ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
  const [base, bits] = cidr.split('/');
  const [innerBase, innerBits] = inner.split('/');
  if (Number(innerBits) < Number(bits)) return false;
  const mask = Number(bits) === 0 ? 0 : 2 ** 32 - 2 ** (32 - Number(bits));
  return (toInt(base!) & mask) >>> 0 === (toInt(innerBase!) & mask) >>> 0;
};

function egressAllows(
  evaluator: Evaluator,
  groups: string[],
  port: number,
  to: { cidr?: string; group?: string },
): boolean {
  return groups.some((g) =>
    list(evaluator.resources[g]?.Properties.SecurityGroupEgress).some((rule) => {
      const r = rule as {
        IpProtocol: string;
        FromPort: number;
        ToPort: number;
        CidrIp?: unknown;
        DestinationSecurityGroupId?: unknown;
      };
      if (!(r.IpProtocol === '-1' || (r.IpProtocol === 'tcp' && r.FromPort <= port && port <= r.ToPort))) return false;
      if (r.CidrIp !== undefined && to.cidr) return cidrCovers(String(evaluator.value(r.CidrIp)), to.cidr);
      return (
        r.DestinationSecurityGroupId !== undefined &&
        to.group !== undefined &&
        String(evaluator.value(r.DestinationSecurityGroupId)) === to.group
      );
    }),
  );
}

function ingressAllows(evaluator: Evaluator, groups: string[], port: number, fromGroups: string[]): boolean {
  return groups.some((g) =>
    list(evaluator.resources[g]?.Properties.SecurityGroupIngress).some((rule) => {
      const r = rule as { IpProtocol: string; FromPort: number; ToPort: number; SourceSecurityGroupId?: unknown };
      return (
        r.IpProtocol === 'tcp' &&
        r.FromPort <= port &&
        port <= r.ToPort &&
        fromGroups.includes(String(evaluator.value(r.SourceSecurityGroupId)))
      );
    }),
  );
}

const vpcCidr = (evaluator: Evaluator) =>
  String(evaluator.value(byType(evaluator.at.template, 'AWS::EC2::VPC')[0]?.[1].Properties.CidrBlock ?? '0.0.0.0/32'));

/** A default route through a NAT gateway from every subnet the function runs in, and HTTPS out of its groups. */
function natPath(evaluator: Evaluator, side: NetworkSide): string | undefined {
  const tables = routeTablesOf(evaluator, side.subnets);
  const natRoutes = byType(evaluator.at.template, 'AWS::EC2::Route').filter(
    ([, r]) => r.Properties.DestinationCidrBlock === '0.0.0.0/0' && r.Properties.NatGatewayId,
  );
  const covered =
    side.subnets.length > 0 &&
    tables.length === side.subnets.length &&
    tables.every((t) => natRoutes.some(([, r]) => String(evaluator.value(r.Properties.RouteTableId)) === t));
  if (!covered) return 'no NAT route from its subnets';
  if (!egressAllows(evaluator, side.securityGroups, 443, { cidr: '0.0.0.0/0' }))
    return 'its security group allows no HTTPS to the internet';
  return undefined;
}

/** Amazon Location has one endpoint per resource family: a route goes to routes.geo, a place search to places.geo. */
function endpointServiceOf(call: Call): string {
  if (call.service !== 'geo') return call.service;
  return /Route/.test(call.action) ? 'geo.routes' : 'geo.places';
}

/** The in-region endpoint a call to `service` would use from the VPC (private DNS), if there is one. */
function endpointFor(evaluator: Evaluator, service: string): [string, Resource] | undefined {
  const name = `com.amazonaws.${evaluator.region}.${endpointName[service] ?? service}`;
  return byType(evaluator.at.template, 'AWS::EC2::VPCEndpoint').find(
    ([, e]) => evaluator.value(e.Properties.ServiceName) === name,
  );
}

function endpointPath(evaluator: Evaluator, side: NetworkSide, [id, endpoint]: [string, Resource]): string | undefined {
  const p = endpoint.Properties;
  if (p.VpcEndpointType === 'Gateway') {
    const tables = (evaluator.value(p.RouteTableIds) as string[]) ?? [];
    return routeTablesOf(evaluator, side.subnets).every((t) => tables.includes(t))
      ? undefined
      : `gateway endpoint ${id} is not on its subnets' route table`;
  }
  if (p.PrivateDnsEnabled !== true)
    return `endpoint ${id} has no private DNS, so the SDK's default host does not reach it`;
  const groups = (evaluator.value(p.SecurityGroupIds) as string[]) ?? [];
  if (!ingressAllows(evaluator, groups, 443, side.securityGroups))
    return `endpoint ${id}'s security group takes no HTTPS from the function`;
  if (!egressAllows(evaluator, side.securityGroups, 443, { cidr: vpcCidr(evaluator) }))
    return 'its security group allows no HTTPS to the endpoint';
  return undefined;
}

// -------------------------------------------------------------------------------------------------------- constraints

export interface Constraint {
  id: string;
  rule: string;
  source: string;
}

export const constraints = yaml.load(readFileSync(path.join(modelDir, 'constraints.yml'), 'utf8')) as Constraint[];
const constraint = (id: string) => {
  const found = constraints.find((c) => c.id === id);
  if (!found) throw new Error(`constraints.yml has no rule ${id}`);
  return `${found.rule} (${found.source})`;
};

// ---------------------------------------------------------------------------------------------------------- placement

export interface Finding {
  region: string;
  fn: string;
  call: string;
  missing: string;
}

export interface Placement {
  placed: number;
  findings: Finding[];
}

const dataActions =
  /^(GetItem|PutItem|UpdateItem|DeleteItem|Query|Scan|BatchGetItem|BatchWriteItem|TransactGetItems|TransactWriteItems|GetSecretValue|Publish|SendMessage)$/;

/** service prefix → the kms:ViaService host part, for calls AWS encrypts or decrypts for the caller. */
const viaService: Record<string, string> = {
  dynamodb: 'dynamodb',
  secretsmanager: 'secretsmanager',
  sns: 'sns',
  sqs: 'sqs',
};

/** Places every call of every function of the account; what it cannot place is a finding. */
export function placeAccount(
  account: Account,
  extraCalls: (name: string, env: Record<string, string>) => Call[] = () => [],
): Placement {
  const findings: Finding[] = [];
  let placed = 0;
  for (const at of account.regions) {
    const evaluator = new Evaluator(account, at);
    const template = at.template;
    const references = (JSON.stringify(template).match(/\{\{resolve:/g) ?? []).length;
    if (references > 60)
      findings.push({
        region: at.region,
        fn: '(template)',
        call: `${references} dynamic references`,
        missing: constraint('dynamic-references'),
      });
    const userPoolHasDomain = byType(template, 'AWS::Cognito::UserPoolDomain').length > 0;
    const reserved = byType(template, 'AWS::Lambda::Function').reduce(
      (n, [, f]) => n + Number(f.Properties.ReservedConcurrentExecutions ?? 0),
      0,
    );
    if (reserved > CONCURRENCY_QUOTA - 100)
      findings.push({
        region: at.region,
        fn: '(template)',
        call: `${reserved} reserved concurrent executions`,
        missing: constraint('lambda-concurrency-quota'),
      });

    for (const [logicalId, fnResource] of byType(template, 'AWS::Lambda::Function')) {
      const functionName = String(evaluator.value(fnResource.Properties.FunctionName) ?? logicalId);
      const name = functionName.replace(`${account.service}-${account.stage}-`, '');
      const env = Object.fromEntries(
        Object.entries((fnResource.Properties.Environment?.Variables ?? {}) as Record<string, unknown>).map(
          ([k, v]) => [k, String(evaluator.value(v) ?? '')],
        ),
      );
      const envBytes = Object.entries(env).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
      if (envBytes > 4096)
        findings.push({
          region: at.region,
          fn: name,
          call: `environment of ${envBytes} bytes`,
          missing: constraint('lambda-environment-size'),
        });
      const { roleArn, statements } = roleStatements(evaluator, fnResource);
      const vpc = fnResource.Properties.VpcConfig as { SubnetIds: unknown; SecurityGroupIds: unknown } | undefined;
      const side: NetworkSide | undefined = vpc && {
        subnets: evaluator.value(vpc.SubnetIds) as string[],
        securityGroups: evaluator.value(vpc.SecurityGroupIds) as string[],
      };
      let calls: Call[];
      try {
        calls = [...declaredCalls(name), ...extraCalls(name, env)];
      } catch (error) {
        findings.push({ region: at.region, fn: name, call: '(all)', missing: (error as Error).message });
        continue;
      }
      for (const call of calls) {
        if (call.when && !whenHolds(call.when, env, template)) continue;
        const missing = placeCall({
          account,
          evaluator,
          env,
          call,
          roleArn,
          statements,
          side,
          userPoolHasDomain,
          logicalId,
        });
        if (missing.length)
          for (const m of missing) findings.push({ region: at.region, fn: name, call: call.text, missing: m });
        else placed++;
      }
    }
  }
  return { placed, findings };
}

function whenHolds(when: string, env: Record<string, string>, template: Template): boolean {
  if (when.startsWith('resource:')) return when.slice('resource:'.length) in template.Resources;
  const prefix = /^(\w+)~(.+)$/.exec(when);
  if (prefix) return (env[prefix[1]!] ?? '').startsWith(prefix[2]!);
  const [variable, value] = when.split('=');
  return value === undefined ? Boolean(env[variable!]) : env[variable!] === value;
}

interface CallContext {
  account: Account;
  evaluator: Evaluator;
  env: Record<string, string>;
  call: Call;
  roleArn: string;
  statements: Statement[];
  side: NetworkSide | undefined;
  userPoolHasDomain: boolean;
  logicalId: string;
}

/** What is missing for one call to succeed as AWS would evaluate it; [] when it is placed. */
function placeCall(c: CallContext): string[] {
  const { call, env, evaluator } = c;
  const missing: string[] = [];
  const region = call.regionVariable ? env[call.regionVariable] || evaluator.region : evaluator.region;
  // What the function reads: its environment, else the setting's default (its concern's schema), as the code would.
  const variable = (name: string) => {
    // An empty variable counts as unset, as loadConcerns (shared/config/concern.ts) reads it.
    const value = env[name] || (settings.find((s) => s.env === name)?.default ?? env[name]);
    if (value === undefined) throw new Error(`${name} is not in its environment and has no default`);
    return String(value);
  };
  try {
    if (call.service === 'postgres') return postgresPath(c, variable(call.resource));
    if (call.service === 'https') {
      const url = new URL(
        call.resource.startsWith('sub:')
          ? String(evaluator.value({ 'Fn::Sub': call.resource.slice(4) }))
          : variable(call.resource).replace(/^(?!https?:)/, 'https://'),
      );
      return httpsPath(c, url.hostname);
    }
    const action = `${call.service}:${call.action}`;
    const resource = resourceArn(c, region, variable);
    // 1. The role's IAM statements.
    if (!c.statements.length || !iamAllows(c.statements, action, resource, evaluator))
      missing.push(`IAM: its role is not allowed ${action} on ${resource}`);
    // 2. Customer-managed keys: the key the call uses directly, or the one AWS uses for the caller.
    for (const need of keyNeeds(c, region, resource)) {
      const key = findKey(c.account, region, need.key);
      if (key === 'aws-managed') continue;
      if (!key) {
        missing.push(`KMS: ${need.key} is not a key of this stage the model knows`);
        continue;
      }
      const context: RequestContext = {
        principalArn: c.roleArn,
        ...(need.via ? { viaService: `${need.via}.${region}.amazonaws.com` } : {}),
      };
      for (const kmsAction of need.actions) {
        if (keyAllows(key, kmsAction, context, c.statements, evaluator)) continue;
        const why = !need.via
          ? ''
          : `; ${need.via === 'dynamodb' ? constraint('dynamodb-cmk-caller-rights') : constraint('via-service-keys')}`;
        missing.push(
          `KMS: key ${key.id} (${region}) does not let it ${kmsAction}${need.via ? ` via ${need.via}` : ''}${why}`,
        );
      }
    }
    // 3. A network path, unless AWS itself makes the call (Lambda sends on-failure records from its service).
    if (call.resource !== 'on-failure') missing.push(...awsPath(c, endpointServiceOf(call), region));
  } catch (error) {
    missing.push((error as Error).message);
  }
  return missing;
}

function resourceArn(c: CallContext, region: string, variable: (name: string) => string): string {
  const { call, evaluator } = c;
  const [kind, ...rest] = call.resource.split(':');
  const arg = rest.join(':');
  const arn = (service: string, tail: string) => evaluator.arn(service, tail, region);
  switch (kind) {
    case '*':
    case 'sms':
      return '*';
    case 'table': {
      const [name, ...index] = arg.split('/');
      return arn('dynamodb', `table/${variable(name!)}${index.length ? `/${index.join('/')}` : ''}`);
    }
    case 'key':
    case 'secret':
    case 'topic':
      return variable(arg);
    case 'secret-name':
      return arn('secretsmanager', `secret:${variable(arg).replace(/^secretsmanager:/, '')}-AbCdEf`);
    case 'place-index':
      return arn('geo', `place-index/${variable(arg)}`);
    case 'route-calculator':
      return arn('geo', `route-calculator/${variable(arg)}`);
    case 'cluster': {
      const value = variable(arg);
      const id = value.startsWith('[')
        ? (JSON.parse(value) as Array<{ clusterId?: string }>).find((t) => t.clusterId)!.clusterId!
        : value;
      return arn('rds', `cluster:${id}`);
    }
    // A cluster and writer the function creates: an identifier it could choose, under the prefix it is given.
    case 'restore-cluster':
      return arn('rds', `cluster:${variable(arg)}2026-01-14`);
    case 'restore-writer':
      return arn('rds', `db:${variable(arg)}2026-01-14-writer`);
    case 'global-cluster':
      return `arn:aws:rds::${ACCOUNT}:global-cluster:${variable(arg)}`;
    case 'parameter':
      return arn('ssm', `parameter/${variable(arg).replace(/^ssm:\//, '')}`);
    case 'sub':
      return String(evaluator.value({ 'Fn::Sub': arg }));
    case 'on-failure': {
      const config = byType(evaluator.at.template, 'AWS::Lambda::EventInvokeConfig').find(
        ([, r]) => (r.Properties.FunctionName as { Ref?: string }).Ref === c.logicalId,
      );
      if (!config) throw new Error('it has no on-failure destination');
      return String(evaluator.value(config[1].Properties.DestinationConfig.OnFailure.Destination));
    }
    default:
      throw new Error(`the account model does not know resources of kind ${kind}`);
  }
}

/** The keys a call needs, and for what: KMS calls on their key; AWS services that encrypt for the caller on theirs. */
function keyNeeds(
  c: CallContext,
  region: string,
  resource: string,
): Array<{ key: string; actions: string[]; via?: string }> {
  const { call } = c;
  if (call.service === 'kms') return [{ key: resource, actions: [`kms:${call.action}`] }];
  const via = viaService[call.service];
  // Only calls that read or write the data are encrypted or decrypted; metadata reads (Describe*, GetTopicAttributes) are not.
  if (!via || !dataActions.test(call.action)) return [];
  const key = encryptionKeyOf(c, region, resource);
  if (!key) return [];
  const actions =
    call.service === 'dynamodb' || call.service === 'secretsmanager'
      ? ['kms:Decrypt']
      : ['kms:GenerateDataKey', 'kms:Decrypt'];
  return [{ key, actions, via }];
}

/** The key AWS encrypts a table, secret, topic or queue with in `region`, from the stage's templates. */
function encryptionKeyOf(c: CallContext, region: string, resource: string): string | undefined {
  for (const at of c.account.regions) {
    const evaluator = new Evaluator(c.account, at);
    for (const [id, r] of Object.entries(at.template.Resources)) {
      const p = r.Properties ?? {};
      if (
        (r.Type === 'AWS::DynamoDB::Table' || r.Type === 'AWS::DynamoDB::GlobalTable') &&
        resource.split('/')[1] === evaluator.value(p.TableName)
      ) {
        if (r.Type === 'AWS::DynamoDB::Table' && at.region === region)
          return p.SSESpecification?.SSEType === 'KMS'
            ? String(evaluator.value(p.SSESpecification.KMSMasterKeyId) ?? 'alias/aws/dynamodb')
            : undefined;
        const replica = (
          p.Replicas as Array<{ Region: string; SSESpecification?: { KMSMasterKeyId?: unknown } }> | undefined
        )?.find((x) => x.Region === region);
        if (replica)
          return replica.SSESpecification?.KMSMasterKeyId
            ? String(evaluator.value(replica.SSESpecification.KMSMasterKeyId))
            : 'alias/aws/dynamodb';
      }
      if (
        r.Type === 'AWS::SecretsManager::Secret' &&
        resource.replace(`:${region}:`, `:${at.region}:`) === evaluator.ref(id)
      ) {
        if (at.region === region) return p.KmsKeyId ? String(evaluator.value(p.KmsKeyId)) : 'alias/aws/secretsmanager';
        const replica = (p.ReplicaRegions as Array<{ Region: string; KmsKeyId?: unknown }> | undefined)?.find(
          (x) => x.Region === region,
        );
        if (replica) return replica.KmsKeyId ? String(evaluator.value(replica.KmsKeyId)) : 'alias/aws/secretsmanager';
      }
      if (at.region !== region) continue;
      if (r.Type === 'AWS::SNS::Topic' && resource === evaluator.ref(id))
        return p.KmsMasterKeyId ? String(evaluator.value(p.KmsMasterKeyId)) : undefined;
      if (r.Type === 'AWS::SQS::Queue' && resource === evaluator.attribute(id, 'Arn'))
        return p.KmsMasterKeyId ? String(evaluator.value(p.KmsMasterKeyId)) : undefined;
    }
  }
  // Not the stage's own (a secret created by hand before the deploy, an SMS): AWS's default keys.
  return undefined;
}

function awsPath(c: CallContext, service: string, region: string): string[] {
  if (!c.side) return [];
  const { evaluator } = c;
  if (region !== evaluator.region) {
    const nat = natPath(evaluator, c.side);
    return nat
      ? [
          `network: ${service} in ${region} from a VPC in ${evaluator.region}: ${nat}; ${constraint('cross-region-needs-path-out')}`,
        ]
      : [];
  }
  const endpoint = endpointFor(evaluator, service);
  if (endpoint) {
    if (service === 'cognito-idp' && c.userPoolHasDomain)
      return [`network: ${constraint('cognito-privatelink-no-domain')}`];
    const problem = endpointPath(evaluator, c.side, endpoint);
    return problem ? [`network: ${problem}`] : [];
  }
  const nat = natPath(evaluator, c.side);
  return nat
    ? [`network: no VPC endpoint for ${service} in ${region} and ${nat}; ${constraint('lambda-in-vpc-no-internet')}`]
    : [];
}

function httpsPath(c: CallContext, host: string): string[] {
  const aws = new RegExp(`^([a-z0-9-]+)\\.${c.evaluator.region}\\.amazonaws\\.com$`).exec(host);
  if (aws) return awsPath(c, aws[1]!, c.evaluator.region);
  if (!c.side) return [];
  const nat = natPath(c.evaluator, c.side);
  return nat ? [`network: ${host} is on the internet and ${nat}; ${constraint('lambda-in-vpc-no-internet')}`] : [];
}

function postgresPath(c: CallContext, host: string): string[] {
  const { evaluator } = c;
  const proxy = byType(evaluator.at.template, 'AWS::RDS::DBProxy').find(
    ([id]) => host === evaluator.attribute(id, 'Endpoint'),
  );
  if (!proxy) return [`network: ${host} is no RDS proxy of this stack`];
  if (!c.side) return ['network: the proxy is reachable only from inside the VPC, and the function runs outside it'];
  const groups = evaluator.value(proxy[1].Properties.VpcSecurityGroupIds) as string[];
  const missing: string[] = [];
  if (!ingressAllows(evaluator, groups, 5432, c.side.securityGroups))
    missing.push(`network: the proxy's security group takes no 5432 from the function`);
  if (!egressAllows(evaluator, c.side.securityGroups, 5432, { cidr: vpcCidr(evaluator), group: groups[0] }))
    missing.push('network: its security group allows no 5432 to the proxy');
  return missing;
}

/** SDK commands not named after the IAM action they need (the action is the call's name in calls.yml). */
export const sdkCommandOf: Record<string, string> = { 'lambda:InvokeFunction': 'Invoke' };

/** The bundled AWS SDK client package for an IAM service prefix. */
export const sdkPackage: Record<string, string> = {
  dynamodb: 'client-dynamodb',
  kms: 'client-kms',
  secretsmanager: 'client-secrets-manager',
  sns: 'client-sns',
  geo: 'client-location',
  cloudwatch: 'client-cloudwatch',
  rds: 'client-rds',
  ssm: 'client-ssm',
  'application-autoscaling': 'client-application-auto-scaling',
  codedeploy: 'client-codedeploy',
  lambda: 'client-lambda',
};
