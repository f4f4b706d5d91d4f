import { mongo } from 'mongoose';

/** A write refused by a unique index (MongoDB and FerretDB both answer with code 11000). */
export function isDuplicateKey(error: unknown): boolean {
  return error instanceof mongo.MongoServerError && error.code === 11000;
}
