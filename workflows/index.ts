export { healthCheckWorkflow } from './health-check.js';
export { experimentWorkflow, progressQuery, type ExperimentInput } from './experiment.js';
