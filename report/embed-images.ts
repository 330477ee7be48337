import type { ArtifactStore } from '../store/artifact-store.js';
import {
  reportModelSchema,
  type ReportImage,
  type ReportModel,
  type ReportModelInput,
} from './report-model.js';

/**
 * Replaces every Grad-CAM image given as a store key by its bytes, so the rendered page carries
 * them as data: URIs. Workflow payloads hold keys (2 MB limit); only the report stage reads the
 * bytes.
 * @throws ArtifactNotFoundError when a key is missing from the store.
 */
export async function embedReportImages(
  input: ReportModelInput,
  store: Pick<ArtifactStore, 'get'>,
): Promise<ReportModel> {
  const model = reportModelSchema.parse(input);
  const embed = async (image: ReportImage): Promise<ReportImage> =>
    'key' in image ? { png: await store.get(image.key) } : image;
  const gradcam = [];
  for (const entry of model.gradcam) {
    gradcam.push({ ...entry, before: await embed(entry.before), after: await embed(entry.after) });
  }
  return reportModelSchema.parse({ ...model, gradcam });
}
