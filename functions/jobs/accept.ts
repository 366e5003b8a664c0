// POST /jobs/{id}/accept
import { jobActionLambda } from './job-action.js';

export const handler = jobActionLambda('accept');
