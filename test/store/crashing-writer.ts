/**
 * Test helper run as a child process by the store suite: starts committing an artifact whose
 * second part never ends, so the parent can kill it between parts and manifest, like a crash.
 * Usage: node crashing-writer.js <store-uri> <artifact-prefix>
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { commitArtifact } from '../../store/artifact-commit.js';
import { openStore } from '../../store/open-store.js';

const [uri, prefix] = process.argv.slice(2);
if (uri === undefined || prefix === undefined) {
  throw new Error('usage: crashing-writer.js <store-uri> <artifact-prefix>');
}
// A stream waiting for data holds no handle; without this timer Node would exit, not hang.
setInterval(() => undefined, 60_000);
const endless = new Readable({ read() {} });
endless.push(randomBytes(1024));
await commitArtifact(openStore(uri), prefix, [
  { name: 'first', data: randomBytes(4096) },
  { name: 'second', data: endless },
]);
