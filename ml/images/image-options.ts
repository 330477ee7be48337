import { z } from 'zod';

/**
 * How images become model input. `shorter-side-crop` scales the shorter side to `size` and takes
 * the centre square (the usual ImageNet evaluation view); `plain` squashes the whole image to
 * size×size (how Keras's `load_img(target_size=…)` feeds MobileNet and InceptionV3).
 */
export const ImagePipelineOptionsSchema = z.object({
  size: z.number().int().positive(),
  resize: z.enum(['shorter-side-crop', 'plain']).default('shorter-side-crop'),
  /** keras: x/127.5 − 1; unit: x/255; imagenet: (x/255 − mean)/std per channel. */
  preprocessing: z.enum(['keras', 'unit', 'imagenet']).default('keras'),
  /** Larger images are reported, not decoded (a decompression bomb would exhaust memory). */
  maxInputPixels: z
    .number()
    .int()
    .positive()
    .default(64 * 1024 * 1024),
});

export type ImagePipelineOptions = z.output<typeof ImagePipelineOptionsSchema>;
export type ImagePipelineInput = z.input<typeof ImagePipelineOptionsSchema>;
export type Preprocessing = ImagePipelineOptions['preprocessing'];
