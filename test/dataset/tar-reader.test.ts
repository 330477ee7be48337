import assert from 'node:assert/strict';
import { readFile, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readTar, TarFormatError } from '../../dataset/tar-reader.js';
import { openTarStream } from '../../dataset/sources/tar-source.js';
import { makeJpeg, tarFolder, useTempDir, writeTree } from './fixtures.js';

// Over 100 characters: ustar splits it into prefix + name, GNU and pax use extension headers.
const LONG_DIR = Array.from({ length: 8 }, (_, i) => `folder-level-${i}`).join('/');

async function fixture(root: string): Promise<Record<string, Buffer>> {
  const files = {
    'imagenet-a/n01498041/0.jpg': await makeJpeg(1),
    'imagenet-a/n01498041/1.jpg': await makeJpeg(2),
    [`imagenet-a/${LONG_DIR}/n01531178/${'x'.repeat(40)}.jpg`]: await makeJpeg(3),
    'imagenet-a/README.txt': Buffer.from('n01498041 stingray\n'),
  };
  await writeTree(path.join(root, 'tree'), files);
  return files;
}

async function readAll(archive: string): Promise<Map<string, Buffer | undefined>> {
  const out = new Map<string, Buffer | undefined>();
  for await (const entry of readTar(openTarStream(archive), () => true)) {
    if (entry.type === 'file') out.set(entry.path, entry.data);
  }
  return out;
}

describe('tar reader', () => {
  const dir = useTempDir();

  for (const format of ['pax', 'gnu', 'ustar'] as const) {
    it(`reads every member of a ${format} archive, long names included`, async () => {
      const files = await fixture(dir());
      const archive = path.join(dir(), `a-${format}.tar`);
      await tarFolder(path.join(dir(), 'tree'), archive, { format });
      const members = await readAll(archive);
      assert.deepEqual([...members.keys()].sort(), Object.keys(files).sort());
      for (const [name, bytes] of Object.entries(files)) assert.deepEqual(members.get(name), bytes);
    });
  }

  it('reads gzipped archives and records each data offset', async () => {
    const files = await fixture(dir());
    const plain = path.join(dir(), 'a.tar');
    const gz = path.join(dir(), 'a.tar.gz');
    await tarFolder(path.join(dir(), 'tree'), plain);
    await tarFolder(path.join(dir(), 'tree'), gz, { gzip: true });
    assert.deepEqual(await readAll(gz), await readAll(plain));
    const raw = await readFile(plain);
    for await (const entry of readTar(openTarStream(plain))) {
      if (entry.type !== 'file') continue;
      assert.equal(entry.data, undefined, 'unwanted members are skipped, not buffered');
      assert.deepEqual(raw.subarray(entry.offset, entry.offset + entry.size), files[entry.path]);
    }
  });

  it('reports a cut archive and a corrupt header as TarFormatError', async () => {
    await fixture(dir());
    const archive = path.join(dir(), 'a.tar');
    await tarFolder(path.join(dir(), 'tree'), archive);
    const cut = path.join(dir(), 'cut.tar');
    await writeFile(cut, await readFile(archive));
    await truncate(cut, 1800);
    await assert.rejects(readAll(cut), TarFormatError);
    const garbage = path.join(dir(), 'garbage.tar');
    await writeFile(garbage, Buffer.alloc(2048, 0x41));
    await assert.rejects(readAll(garbage), /bad header checksum/);
  });
});
