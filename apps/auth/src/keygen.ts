// Makes the auth service's signing key at first start when none is given (compose's auth-keys
// one-shot, `npm start`): `node keygen.js <path>` writes a new key there unless one exists.
import { ensureSigningKeyFile } from '@capstone/auth-feature';
import { createLogger } from '@capstone/logging';

const logger = createLogger('auth-keygen');
const path = process.argv[2] ?? process.env['JWT_PRIVATE_KEY_FILE'];
if (!path) {
  logger.error('usage: node keygen.js <path of the PEM file>, or set JWT_PRIVATE_KEY_FILE');
  process.exit(2);
}
const outcome = await ensureSigningKeyFile(path);
logger.info(
  outcome === 'created' ? `new signing key written to ${path}` : `kept the key in ${path}`,
);
