// What other features may use of intake: its composition and use case (the DR drill runs a synthetic intake exactly as
// POST /emergencies does) and the buffer drain (drRecover stores what the buffer holds).
export { intakeDeps } from './compose.js';
export { createEmergency, type AcceptedEmergency, type IntakeDeps, type IntakeOptions } from './create-emergency.js';
export { drainIntakeBuffer } from './drain-intake-buffer.js';
export { settleIntakeJournal, type JournalReport } from './settle-journal.js';
