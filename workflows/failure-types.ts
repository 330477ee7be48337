/**
 * An activity failure of this type says an artifact some stage produced is altered or gone; its
 * first detail names that stage, which the workflow recomputes once before giving up.
 */
export const DAMAGED_ARTIFACT = 'DamagedArtifact';
