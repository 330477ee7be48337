import { open } from 'node:fs/promises';
import { createSourceReader, type ReadSource } from '../ml/images/read-source.js';
import type { OpenStoreOptions } from '../store/open-store.js';
import { readTar } from './tar-reader.js';
import { openTarStream, parseTarMemberUri } from './sources/tar-source.js';

const GZIPPED = /\.(tgz|gz)$/i;

interface MemberLocation {
  offset: number;
  size: number;
}

/**
 * Reads any URI a dataset manifest holds: `tar:///archive.tar#member` here, everything else
 * (paths, file://, s3://) through `ml/images`' source reader. A plain tar is indexed once (one
 * streaming pass) and then read at member offsets; a gzipped one has no random access, so each
 * member costs a scan up to it: extract large .tar.gz data sets, or read them as plain tar.
 */
export function createDatasetReader(storeOptions: OpenStoreOptions = {}): ReadSource {
  const plain = createSourceReader(storeOptions);
  const indexes = new Map<string, Promise<Map<string, MemberLocation>>>();
  return async (uri) => {
    const parsed = parseTarMemberUri(uri);
    if (parsed === undefined) return plain(uri);
    const { archive, member } = parsed;
    if (GZIPPED.test(archive)) return scanFor(archive, member);
    let index = indexes.get(archive);
    if (index === undefined) {
      index = indexTar(archive);
      indexes.set(archive, index);
      index.catch(() => indexes.delete(archive)); // a failed index is retried by the next read
    }
    const location = (await index).get(member);
    if (location === undefined) throw new Error(`no member ${member} in ${archive}`);
    const file = await open(archive, 'r');
    try {
      const bytes = new Uint8Array(location.size);
      const { bytesRead } = await file.read(bytes, 0, location.size, location.offset);
      if (bytesRead !== location.size) throw new Error(`${archive} is shorter than its index says`);
      return bytes;
    } finally {
      await file.close();
    }
  };
}

async function indexTar(archive: string): Promise<Map<string, MemberLocation>> {
  const index = new Map<string, MemberLocation>();
  for await (const entry of readTar(openTarStream(archive))) {
    if (entry.type === 'file') index.set(entry.path, { offset: entry.offset, size: entry.size });
  }
  return index;
}

async function scanFor(archive: string, member: string): Promise<Uint8Array> {
  for await (const entry of readTar(openTarStream(archive), (p) => p === member)) {
    if (entry.data !== undefined) return new Uint8Array(entry.data);
  }
  throw new Error(`no member ${member} in ${archive}`);
}
