// POST /jobs/{id}/arrived
import { jobActionLambda } from './job-action.js';

export const handler = jobActionLambda('arrived');
