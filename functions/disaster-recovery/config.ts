// Disaster recovery's own settings (README, "Disaster recovery"): parsed only by the DR functions.
import * as z from 'zod';
import { concern, field, optionalText, numeric, oneOf, json, at, type ConfigOf } from '#shared/config/concern.js';

// An object of the four open statuses rather than z.record: zod's record type would add ~5 KiB to every DR bundle.
const minutes = z.number().int().positive();
const stuckMinutesSchema = z.object({ pending: minutes, assigned: minutes, en_route: minutes, on_site: minutes });

export const drConcern = concern(
  'dr',
  {
    DR_CONTROL_PLANE: field(
      oneOf(['aws', 'none']),
      "Disaster recovery: 'aws' reads and drives RDS, CloudWatch and DynamoDB control planes; 'none' (local) checks data only.",
      'none',
    ),
    DR_CLUSTER_ID: field(optionalText, "This region's Aurora cluster identifier (DR checks, failover, restore)."),
    DR_GLOBAL_CLUSTER_ID: field(
      optionalText,
      'Aurora Global Database identifier; unset when the stage has no second region.',
    ),
    DR_SECONDARY_REGION: field(
      z
        .string()
        .regex(/^[a-z]{2}-[a-z]+-\d$/, 'must be a region name such as eu-west-1')
        .optional(),
      'Region of the secondary stack (Aurora secondary cluster, DynamoDB replicas), e.g. eu-west-1.',
    ),
    DR_SECONDARY_CLUSTER_ID: field(
      optionalText,
      'Identifier of the secondary Aurora cluster, whose lag metrics drCheck reads.',
    ),
    DR_PROXY_NAME: field(
      optionalText,
      "drRestore's last step: the RDS Proxy whose default target group it moves to the restored cluster.",
    ),
    DR_RESTORE_CLUSTER_PREFIX: field(
      optionalText,
      'drRestore creates clusters (and their writers) only with identifiers that start with this, as its IAM role allows.',
    ),
    DR_DRILL_FUNCTION_NAME: field(
      optionalText,
      "drFailover's last step: the drDrill function it invokes in this region to verify with the synthetic job.",
    ),
    DR_BACKUP_RETENTION_DAYS: field(
      numeric('an integer from 1 to 35', (n) => Number.isInteger(n) && n >= 1 && n <= 35),
      'Aurora backup retention the stage is deployed with; the restorable window must cover it.',
      '7',
    ),
    DR_STUCK_MINUTES: field(
      json(stuckMinutesSchema),
      'A request unchanged in this status for longer than these minutes is stuck (drCheck), as JSON.',
      '{"pending":30,"assigned":15,"en_route":120,"on_site":180}',
    ),
    DR_GAP_WINDOW_MINUTES: field(
      numeric('an integer from 5 to 1440', (n) => Number.isInteger(n) && n >= 5 && n <= 1440),
      'How far back drCheck looks for minutes with no request (the minute-gap analysis).',
      '60',
    ),
    DR_TRAILING_DAYS: field(
      numeric('an integer from 1 to 90', (n) => Number.isInteger(n) && n >= 1 && n <= 90),
      'Days of history the trailing request rate per hour of day is measured over.',
      '28',
    ),
  },
  (o) =>
    o
      .refine(
        (c) => c.DR_CONTROL_PLANE !== 'aws' || c.DR_CLUSTER_ID,
        at('DR_CLUSTER_ID', 'is required when DR_CONTROL_PLANE=aws'),
      )
      .transform((c) => ({
        controlPlane: c.DR_CONTROL_PLANE,
        clusterId: c.DR_CLUSTER_ID,
        globalClusterId: c.DR_GLOBAL_CLUSTER_ID,
        secondaryRegion: c.DR_SECONDARY_REGION,
        secondaryClusterId: c.DR_SECONDARY_CLUSTER_ID,
        drillFunctionName: c.DR_DRILL_FUNCTION_NAME,
        proxyName: c.DR_PROXY_NAME,
        restoreClusterPrefix: c.DR_RESTORE_CLUSTER_PREFIX,
        backupRetentionDays: c.DR_BACKUP_RETENTION_DAYS,
        stuckMinutes: c.DR_STUCK_MINUTES,
        gapWindowMinutes: c.DR_GAP_WINDOW_MINUTES,
        trailingDays: c.DR_TRAILING_DAYS,
      })),
);

export type DrConfig = ConfigOf<typeof drConcern>['dr'];
