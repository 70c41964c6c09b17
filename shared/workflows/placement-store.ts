// The placement store lives in shared/stores/placements.ts (the runtime wrapper reads it too, and
// the runtime must not import the deployer); re-exported here for the workflow client's callers.
export { PlacementConflictError, publishPlacement, readPlacement, writePlacement } from '../stores/placements.js';
