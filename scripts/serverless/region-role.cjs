// Which part this packaging plays in the stage's region pairing (docs/operations.md, "Disaster recovery"), from --region and the
// stage params drPrimaryRegion / drSecondaryRegion:
//   single     the stage has no second region (drSecondaryRegion empty): one independent stack, as before;
//   primary    the stage's home region: it owns the Aurora global cluster, the DynamoDB global tables, the secrets
//              (replicated to the secondary) and the staff user pool;
//   secondary  the other region: an Aurora secondary cluster that joins the global cluster, the same functions, and the
//              primary's tables, secrets and user pool by name.
// The role is a stack's *home* role and never changes with a failover: after drFailover the secondary's cluster is the
// writer, but its stack is still the secondary stack (only `drActiveRegion` moves; see scripts/serverless/region-pairing.cjs).
'use strict';

/** Pure: the pairing for one stage and region (tests/unit/region-pairing.test.ts). */
function regionPairing({ service, stage, region, primaryRegion, secondaryRegion, activeRegion }) {
  const secondary = String(secondaryRegion ?? '').trim();
  const primary = String(primaryRegion ?? '').trim();
  if (!secondary) {
    return {
      role: 'single',
      primaryRegion: region,
      secondaryRegion: '',
      active: true,
      globalClusterId: '',
      secondaryClusterId: '',
    };
  }
  if (secondary === primary) throw new Error(`drSecondaryRegion must differ from drPrimaryRegion (both ${primary})`);
  if (region !== primary && region !== secondary) {
    throw new Error(
      `stage ${stage} pairs ${primary} (primary) with ${secondary} (secondary); --region ${region} is neither`,
    );
  }
  const active = String(activeRegion ?? '').trim() || primary;
  if (active !== primary && active !== secondary)
    throw new Error(`drActiveRegion must be ${primary} or ${secondary}, got ${active}`);
  return {
    role: region === primary ? 'primary' : 'secondary',
    primaryRegion: primary,
    secondaryRegion: secondary,
    // Where the scheduled jobs that write run: the region whose cluster is the writer (the primary until a failover).
    active: region === active,
    // Global clusters are named account-wide (no region in their ARN); the secondary cluster is named so drCheck and
    // drFailover know it before it exists.
    globalClusterId: `${service}-${stage}-global`,
    secondaryClusterId: `${service}-${stage}-${secondary}`,
  };
}

async function pairing({ resolveVariable }) {
  const [service, stage, region, primaryRegion, secondaryRegion, activeRegion] = await Promise.all([
    resolveVariable('self:service'),
    resolveVariable('sls:stage'),
    resolveVariable('self:provider.region'),
    resolveVariable('param:drPrimaryRegion'),
    resolveVariable('param:drSecondaryRegion'),
    resolveVariable('param:drActiveRegion'),
  ]);
  return regionPairing({ service, stage, region, primaryRegion, secondaryRegion, activeRegion });
}

module.exports = { pairing, regionPairing };
