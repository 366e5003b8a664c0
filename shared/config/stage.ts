// The deployment stage, as the local stack and scripts read it.
import { concern, field, text } from './concern.js';

export const stageConcern = concern(
  'stage',
  { STAGE: field(text, 'Deployment stage (local, dev, staging, prod).', 'local') },
  (o) => o.transform((c) => c.STAGE),
);
