export { healthCheckWorkflow } from './health-check.js';
