import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { CatalogueEntry } from '../../dataset/fetch/catalogue.js';
import { UsageError, type Command, type CommandIo, type ParsedArgs } from '../command.js';

const DEFAULT_DEST = './data-cache';

interface Request {
  entry: CatalogueEntry;
  dest: string;
  url: string | undefined;
  sha256: string | null;
}

/** Every check that needs no network, so a typo fails before an hour-long download starts. */
async function requests(args: ParsedArgs): Promise<Request[]> {
  const { CATALOGUE, catalogueEntry } = await import('../../dataset/fetch/catalogue.js');
  const names = [...new Set(args.positionals['NAME'] ?? [])];
  const url = args.options['url'] as string | undefined;
  const sha = args.options['sha256'] as string | undefined;
  const dest = (args.options['dest'] as string | undefined) ?? DEFAULT_DEST;
  if ((url !== undefined || sha !== undefined) && names.length > 1) {
    throw new UsageError('--url and --sha256 apply to one NAME at a time');
  }
  if (sha !== undefined && !/^[0-9a-f]{64}$/i.test(sha)) {
    throw new UsageError(`--sha256 expects 64 hex digits, got ${JSON.stringify(sha)}`);
  }
  if (url !== undefined && !/^https?:\/\//i.test(url)) {
    throw new UsageError(`--url expects an http(s) URL, got ${JSON.stringify(url)}`);
  }
  return names.map((name) => {
    const entry = catalogueEntry(name);
    if (!entry) {
      throw new UsageError(
        `unknown NAME "${name}"; known: ${CATALOGUE.map((e) => e.name).join(', ')}`,
      );
    }
    if (entry.kind === 'tfjs-model') {
      if (url === undefined) {
        throw new UsageError(
          `${name} has no official tfjs download: give --url, the http(s) folder serving its model.json`,
        );
      }
      if (sha !== undefined)
        throw new UsageError(`--sha256 pins an archive; ${name} is a model folder`);
    }
    return {
      entry,
      dest,
      url,
      sha256: sha?.toLowerCase() ?? (entry.kind === 'archive' ? entry.sha256 : null),
    };
  });
}

async function partSize(file: string): Promise<number> {
  return stat(`${file}.part`).then(
    (s) => s.size,
    () => 0,
  );
}

async function fetchArchive(
  request: Request & { entry: { kind: 'archive' } },
  io: CommandIo,
): Promise<void> {
  const { downloadFile } = await import('../../dataset/fetch/download-file.js');
  const { ProgressLine, formatBytes } = await import('../../dataset/fetch/progress-line.js');
  const { entry } = request;
  const file = path.resolve(request.dest, entry.fileName);
  const resumable = await partSize(file);
  if (resumable > 0)
    io.err(`${entry.name}: resuming after the ${formatBytes(resumable)} in ${file}.part\n`);
  const progress = new ProgressLine(entry.fileName, {
    write: (t) => io.err(t),
    tty: process.stderr.isTTY === true,
  });
  let last: { done: number; total: number | undefined } | undefined;
  const result = await downloadFile({
    url: request.url ?? entry.url,
    path: file,
    sha256: request.sha256,
    size: request.url === undefined ? entry.size : null,
    onProgress: (done, total) => {
      last = { done, total };
      progress.update(done, total);
    },
  });
  if (last) progress.end(last.done, last.total);
  const how = result.present ? 'already present' : 'downloaded';
  io.out(
    `${entry.name}: ${result.path} (${how}, ${result.bytes} bytes, sha256 ${result.sha256})\n`,
  );
  if (!result.verified) {
    io.err(
      `${entry.name}: NOT verified: no sha256 is pinned for it. Compare ${result.sha256} with a ` +
        `trusted source, and pin it next time with --sha256 ${result.sha256}\n`,
    );
  }
}

async function fetchModel(request: Request, io: CommandIo): Promise<void> {
  const { fetchTfjsModel } = await import('../../dataset/fetch/fetch-tfjs-model.js');
  const { ProgressLine } = await import('../../dataset/fetch/progress-line.js');
  const { entry } = request;
  const progress = new ProgressLine(entry.name, {
    write: (t) => io.err(t),
    tty: process.stderr.isTTY === true,
  });
  let last: number | undefined;
  const result = await fetchTfjsModel({
    url: request.url!,
    dir: path.resolve(request.dest, entry.folder),
    onProgress: (done) => {
      last = done;
      progress.update(done, undefined);
    },
  });
  if (last !== undefined) progress.end(last, undefined);
  if (result.present) {
    io.out(`${entry.name}: ${result.dir} (already present)\n`);
    return;
  }
  const bytes = result.files.reduce((sum, f) => sum + f.bytes, 0);
  io.out(
    `${entry.name}: ${result.dir} (${result.files.length} files, ${bytes} bytes; sha256 not pinned)\n`,
  );
  for (const f of result.files) io.out(`  ${f.sha256}  ${path.relative(result.dir, f.path)}\n`);
}

/** Fetches one entry; a failure is reported and returned, so the other names still run. */
async function fetchOne(request: Request, io: CommandIo): Promise<boolean> {
  const errors = await import('../../dataset/fetch/fetch-errors.js');
  const { offlineHelp } = await import('../../dataset/fetch/offline-help.js');
  const { entry } = request;
  try {
    if (entry.kind === 'archive') await fetchArchive({ ...request, entry }, io);
    else await fetchModel(request, io);
    return true;
  } catch (error) {
    if (error instanceof errors.UnreachableError) {
      io.err(`sfe data fetch: ${entry.name}: ${error.message}\n`);
      if (entry.kind === 'archive') {
        const file = path.resolve(request.dest, entry.fileName);
        const kept = await partSize(file);
        if (kept > 0) io.err(`The ${kept} bytes in ${file}.part are kept: run again to resume.\n`);
      }
      io.err(offlineHelp(entry, request.dest, request));
    } else {
      io.err(`sfe data fetch: ${entry.name}: ${errors.errorText(error)}\n`);
    }
    return false;
  }
}

export const dataFetch: Command = {
  path: ['data', 'fetch'],
  summary: 'Download ImageNet-A, ImageNet-O or a converted InceptionV3, checked and resumable',
  description:
    'NAME is imagenet-a, imagenet-o or inceptionv3. Archives land in DIR as <name>.tar, moved\n' +
    'there from <name>.tar.part only once the sha256 matches; an interrupted download resumes\n' +
    'from the .part file. A file already in DIR is checked, not downloaded again. Where no sha256\n' +
    'is pinned the computed one is printed, marked as not verified. inceptionv3 has no official\n' +
    'tfjs download: --url names the http(s) folder serving its model.json. When the host cannot\n' +
    'be reached, the message says how to copy the files in or point the config at them instead.\n' +
    'Exit codes: 0 every NAME is in place, 1 a download or checksum failed, 2 bad usage.',
  positionals: [{ name: 'NAME', variadic: true }],
  options: {
    dest: {
      type: 'string',
      valueName: 'DIR',
      description: `Folder to download into (default ${DEFAULT_DEST})`,
    },
    sha256: {
      type: 'string',
      valueName: 'HEX',
      description: 'Expected sha256 of the one archive named, where the catalogue pins none',
    },
    url: {
      type: 'string',
      valueName: 'URL',
      description: 'Download from here instead (a mirror; for inceptionv3, required)',
    },
  },
  async run(args, io) {
    const wanted = await requests(args);
    await mkdir(wanted[0]!.dest, { recursive: true });
    let ok = true;
    for (const request of wanted) ok = (await fetchOne(request, io)) && ok;
    return ok ? 0 : 1;
  },
};
