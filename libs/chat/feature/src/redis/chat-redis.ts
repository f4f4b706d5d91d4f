import { ManagedRedis } from '@capstone/redis';

/** The chat's Redis connection for presence and rate limits; a class of its own for injection. */
export class ChatRedis extends ManagedRedis {}
