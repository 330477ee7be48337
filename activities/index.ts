export { describeWorker, type WorkerInfo } from './worker-info.js';
