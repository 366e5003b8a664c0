// POST /jobs/{id}/decline
import { jobActionLambda } from './job-action.js';

export const handler = jobActionLambda('decline');
