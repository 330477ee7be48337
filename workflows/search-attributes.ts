import { defineSearchAttributeKey } from '@temporalio/common';

/** Custom search attributes that `sfe list` filters on; registered when the cluster starts. */
export const SFE_STAGE = defineSearchAttributeKey('SfeStage', 'KEYWORD');
export const SFE_STATUS = defineSearchAttributeKey('SfeStatus', 'KEYWORD');
export const SFE_CONFIG_HASH = defineSearchAttributeKey('SfeConfigHash', 'KEYWORD');

export const SEARCH_ATTRIBUTE_TYPES: Record<string, string> = {
  SfeStage: 'Keyword',
  SfeStatus: 'Keyword',
  SfeConfigHash: 'Keyword',
};
