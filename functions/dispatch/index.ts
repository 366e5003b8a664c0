// What other features may use of dispatch: the dispatcher their compositions wire in (shared/ports/dispatcher.ts), the
// deps it is built on, and how a technician and a distance are shown to a customer.
export { roundedKm, technicianView, withDispatcher, type DispatchDeps } from './dispatch.js';
export { dispatchDeps, dispatchParts } from './compose.js';
