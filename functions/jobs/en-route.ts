// POST /jobs/{id}/en-route
import { jobActionLambda } from './job-action.js';

export const handler = jobActionLambda('en-route');
