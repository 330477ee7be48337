/** Why one image could not be used; the batch goes on without it. */
export type ImageFailureCode =
  'unreadable' | 'empty' | 'unsupported-format' | 'corrupt' | 'too-large';

export interface ImageFailure {
  id: string;
  uri: string;
  code: ImageFailureCode;
  reason: string;
}

/** Thrown (and caught per image) by the decoder, carrying the failure code. */
export class ImageDecodeError extends Error {
  constructor(
    readonly code: ImageFailureCode,
    message: string,
  ) {
    super(message);
    this.name = 'ImageDecodeError';
  }
}
