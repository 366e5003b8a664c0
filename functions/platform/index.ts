// What other features may use of the platform: the deep health check, which incident diagnostics run.
export { checkHealth, type HealthDeps, type HealthReport } from './check-health.js';
