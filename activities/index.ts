export { describeWorker, type WorkerInfo } from './worker-info.js';
export {
  advdStage,
  datasetStage,
  defenseStage,
  evaluationStage,
  featuresStage,
  ganStage,
  reportStage,
  targetModelStage,
} from './stages.js';
export {
  loadSweepRecords,
  prepareTrial,
  recordSweepTrial,
  writeSweepReport,
} from './sweep-activities.js';
export { writeComparison } from './compare-activities.js';
