/** What one SFE iteration records: each GAN's D loss, G loss, and the MSE part of its G loss. */
export const LOSS_COLUMNS = ['dLossPG', 'dLossNG', 'gLossPG', 'gLossNG', 'msePG', 'mseNG'] as const;
export type LossColumn = (typeof LOSS_COLUMNS)[number];
export type IterationLosses = Record<LossColumn, number>;

/** Per-iteration losses, column by column; index i is iteration i + 1. */
export type LossHistory = Record<LossColumn, number[]>;

export function emptyLossHistory(): LossHistory {
  return Object.fromEntries(LOSS_COLUMNS.map((c) => [c, []])) as unknown as LossHistory;
}

export function appendLosses(history: LossHistory, losses: IterationLosses): void {
  for (const c of LOSS_COLUMNS) history[c].push(losses[c]);
}
