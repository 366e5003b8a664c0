// What other features may use of disaster recovery: the drill (a synthetic job end to end on the test fleet), which
// incident response runs as its recovery validation.
export { parseDrillInput, runDrill, type DrillDeps, type DrillResult } from './dr-drill.js';
export type { OperationReport } from './dr-operation.js';
export { drillConcerns, drillParts } from './compose.js';
