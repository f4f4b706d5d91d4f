import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { exportPKCS8, generateKeyPair } from 'jose';
import { ACCESS_TOKEN_ALGORITHM } from '@capstone/security';

/**
 * Writes a new signing key (PKCS#8 PEM, P-256) to `path` unless a file is already there, readable
 * by its owner only. How a laptop or a learning cluster gets a key of its own at first start,
 * instead of one committed to git that anyone could sign tokens with.
 */
export async function ensureSigningKeyFile(path: string): Promise<'created' | 'kept'> {
  const { privateKey } = await generateKeyPair(ACCESS_TOKEN_ALGORITHM, { extractable: true });
  await mkdir(dirname(path), { recursive: true });
  try {
    // `wx`: never replaces a key, even when two starts race for it.
    await writeFile(path, await exportPKCS8(privateKey), { flag: 'wx', mode: 0o600 });
    return 'created';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return 'kept';
    throw error;
  }
}
