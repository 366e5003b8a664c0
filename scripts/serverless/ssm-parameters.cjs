// Serverless plugin: every SSM dynamic reference ({{resolve:ssm:/name}}) in the packaged template becomes one template
// parameter of type AWS::SSM::Parameter::Value<String> whose default is that name, and each place that named it a Ref
// (or ${Parameter} inside an Fn::Sub). CloudFormation allows 60 dynamic references per template
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html); the secondary region's
// stack had 190, the pool's keys and ids copied into every function. A parameter is resolved once per deploy, to the
// parameter's latest value, as the reference was. Runs after region-pairing.cjs, which writes most of them.
'use strict';

const DYNAMIC = /\{\{resolve:ssm:([^}:]+)(:\d+)?\}\}/g;

class SsmParameters {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'after:aws:package:finalize:mergeCustomProviderResources': () => this.apply() };
  }

  apply() {
    const { service, provider } = this.serverless.service;
    parameteriseSsmReferences(provider.compiledCloudFormationTemplate, { prefix: `/${service}/${provider.stage}/` });
  }
}

/** `/tyrehero-dispatch/prod/pairing/staff-jwks` → `SsmPairingStaffJwks` (the service and stage are the same for all). */
function parameterId(name, prefix) {
  const rest = name.startsWith(prefix) ? name.slice(prefix.length) : name;
  return `Ssm${rest
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('')}`;
}

/** Pure: rewrites the template in place and returns it (tests/unit/ssm-parameters.test.ts). */
function parameteriseSsmReferences(template, { prefix }) {
  const parameters = new Map();
  const idFor = (name, version) => {
    if (version) throw new Error(`ssm-parameters: ${name}${version} pins a version, which a template parameter cannot`);
    const id = parameterId(name, prefix);
    const known = parameters.get(id);
    if (known && known !== name) throw new Error(`ssm-parameters: ${known} and ${name} would both be ${id}`);
    parameters.set(id, name);
    return id;
  };
  const inText = (text) => text.replace(DYNAMIC, (_, name, version) => `\${${idFor(name, version)}}`);
  const rewrite = (node) => {
    if (typeof node === 'string') {
      const whole = new RegExp(`^${DYNAMIC.source}$`).exec(node);
      if (whole) return { Ref: idFor(whole[1], whole[2]) };
      // Text around a reference: an Fn::Sub, with any literal ${ kept literal.
      return node.includes('{{resolve:ssm:') ? { 'Fn::Sub': inText(node.replace(/\$\{/g, '${!')) } : node;
    }
    if (Array.isArray(node)) return node.map(rewrite);
    if (!node || typeof node !== 'object') return node;
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => {
        if (key !== 'Fn::Sub') return [key, rewrite(value)];
        const [text, vars] = Array.isArray(value) ? value : [value, undefined];
        return [key, vars ? [inText(text), rewrite(vars)] : inText(text)];
      }),
    );
  };
  // A replica key's PrimaryKeyArn is create-only: written another way, even to the same value, it reads as a change
  // to the previous release's template (tests/package/stateful-replacement.test.ts), and a replaced replica key
  // cannot be created beside the one that exists. Those two references stay as they are (2 of the 60 allowed).
  const kept = Object.entries(template.Resources ?? {})
    .filter(([, r]) => r.Type === 'AWS::KMS::ReplicaKey')
    .map(([id, r]) => [id, r.Properties.PrimaryKeyArn]);
  for (const [id] of kept) delete template.Resources[id].Properties.PrimaryKeyArn;
  for (const section of ['Resources', 'Outputs']) if (template[section]) template[section] = rewrite(template[section]);
  for (const [id, primaryKeyArn] of kept) template.Resources[id].Properties.PrimaryKeyArn = primaryKeyArn;
  if (parameters.size) {
    template.Parameters = template.Parameters ?? {};
    for (const [id, name] of parameters) {
      template.Parameters[id] = {
        Type: 'AWS::SSM::Parameter::Value<String>',
        Default: name,
        Description: `SSM parameter ${name}, resolved at each deploy`,
      };
    }
  }
  return template;
}

module.exports = SsmParameters;
module.exports.parameteriseSsmReferences = parameteriseSsmReferences;
