// The stage's AWS region: every SDK client is built for it.
import { concern, field, text } from './concern.js';

export const regionConcern = concern(
  'region',
  { AWS_REGION: field(text, 'AWS region of the stage.', 'eu-west-2') },
  (o) => o.transform((c) => c.AWS_REGION),
);
