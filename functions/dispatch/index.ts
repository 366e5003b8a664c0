// What other features may use of dispatch: the dispatcher their compositions wire in (shared/ports/dispatcher.ts) and
// the deps it is built on.
export { withDispatcher, type DispatchDeps } from './dispatch.js';
export { dispatchDeps, dispatchParts } from './compose.js';
