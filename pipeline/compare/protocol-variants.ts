import type { ExperimentConfig } from '../../config-schema/experiment-schema.js';
import { configHash, parseConfig } from '../../config-schema/load-config.js';
import type { ExperimentInput } from '../../workflows/experiment.js';

export const PROTOCOLS = ['leak-free', 'paper'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export interface ProtocolRun {
  protocol: Protocol;
  input: ExperimentInput;
}

/**
 * The config run once per split protocol. Both augment with the same copies, so that the
 * protocol is the only difference (the paper protocol cannot run without augmentation, and a
 * leak-free run without it would confound the leak with the augmentation).
 */
export function protocolRuns(config: ExperimentConfig, compareId: string): ProtocolRun[] {
  return PROTOCOLS.map((protocol) => {
    const experimentId = `${compareId}-${protocol}`;
    const variant = parseConfig(
      {
        ...config,
        name: experimentId,
        split: {
          ...config.split,
          protocol,
          augmentation: { ...config.split.augmentation, enabled: true },
        },
      },
      `${compareId} (${protocol})`,
    );
    return {
      protocol,
      input: {
        experimentId,
        configHash: configHash(variant),
        config: JSON.parse(JSON.stringify(variant)) as ExperimentInput['config'],
        force: [],
      },
    };
  });
}
