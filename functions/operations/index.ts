// What other features may use of operations: the incident broadcast, which incident response sends its customer
// notices through.
export { broadcastIncident, type BroadcastDeps, type BroadcastReport } from './broadcast-incident.js';
