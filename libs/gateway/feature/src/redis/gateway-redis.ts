import { ManagedRedis } from '@capstone/redis';

/** The gateway's Redis connection (cache and login limits); a class of its own for injection. */
export class GatewayRedis extends ManagedRedis {}
