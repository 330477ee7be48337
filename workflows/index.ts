export { healthCheckWorkflow } from './health-check.js';
export { experimentWorkflow, progressQuery, type ExperimentInput } from './experiment.js';
export { sweepWorkflow, leaderboardQuery, type SweepInput, type SweepResult } from './sweep.js';
export { compareWorkflow, type CompareInput } from './compare.js';
