// POST /jobs/{id}/complete
import { jobActionLambda } from './job-action.js';

export const handler = jobActionLambda('complete');
