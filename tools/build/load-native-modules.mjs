// Loads every installed package that carries native code (a binding.gyp beside its
// package.json), on the platform the image is built for. The images install with --ignore-scripts
// and hold no compiler, so a native module without a prebuilt binary for this platform would
// otherwise fail only when the app starts; here it fails the image build, in CI, for amd64 and
// arm64 alike.
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';

const root = join(process.cwd(), 'node_modules');
const require = createRequire(join(process.cwd(), 'package.json'));

const entries = await readdir(root, { recursive: true, withFileTypes: true });
const nativePackages = entries
  .filter((entry) => entry.isFile() && entry.name === 'binding.gyp')
  .map((entry) => entry.parentPath)
  .filter((directory) => existsSync(join(directory, 'package.json')));

for (const directory of nativePackages) {
  require(directory);
  console.log(`${relative(root, directory)} loads on ${process.platform}-${process.arch}`);
}
if (nativePackages.length === 0) console.log('no native modules');
