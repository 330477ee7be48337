import type { ConfigProblem } from '../config-schema/config-error.js';
import type { ExperimentConfig } from '../config-schema/experiment-schema.js';
import { pinPretrainedModel } from '../pipeline/pretrained-model.js';
import { storeProblem } from '../store/check-store.js';

/**
 * What a launch checks once before the workflow starts: that the store answers and the target
 * model can be read. Such a problem fails every attempt of every stage alike, so finding it here
 * saves the retries; each is named by its config field.
 */
export async function launchProblems(config: ExperimentConfig): Promise<ConfigProblem[]> {
  const problems: ConfigProblem[] = [];
  const store = await storeProblem(config.storage.uri);
  if (store !== undefined) problems.push({ path: 'storage.uri', message: store });
  if (config.targetModel.kind !== 'small-cnn') {
    try {
      await pinPretrainedModel(config.targetModel);
    } catch (error) {
      // The message already leads with the field it is about (targetModel.uri or .kind).
      const [path, ...rest] = (error as Error).message.split(': ');
      problems.push({ path: path ?? 'targetModel', message: rest.join(': ') });
    }
  }
  return problems;
}
