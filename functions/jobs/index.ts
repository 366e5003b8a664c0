// What other features may use of the job lifecycle: the technician's steps (the DR drill takes them as a van would) and
// the proof of arrival (operations close a job on site by override).
export { applyJobAction, type JobActionDeps, type TechnicianAction } from './job-actions.js';
export { completeByOverride, type ProofDeps } from './proof-of-arrival.js';
