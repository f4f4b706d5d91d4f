import { defineRpc, field, strictObject, type RpcPayload } from '@capstone/contracts';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Rpc } from './rpc-handler.js';
import { ServiceError } from '@capstone/errors';

const Greet = defineRpc(
  'test.greet',
  strictObject({ name: field.text(10), times: field.count(1, 3).default(1) }),
  z.object({ greeting: z.string() }),
);

let greeted = 0;

class Greeter {
  @Rpc(Greet)
  greet(request: RpcPayload<typeof Greet>): Promise<{ greeting: string }> {
    greeted += 1;
    return Promise.resolve({ greeting: `hello ${request.name}`.repeat(request.times) });
  }
}

/** Handlers that disagree with their contract: each line below must fail to compile. */
export class Mismatched {
  // @ts-expect-error the payload type is not the contract's
  @Rpc(Greet)
  wrongPayload(request: { id: number }): Promise<{ greeting: string }> {
    return Promise.resolve({ greeting: String(request.id) });
  }

  // @ts-expect-error the reply type is not the contract's
  @Rpc(Greet)
  wrongReply(request: RpcPayload<typeof Greet>): Promise<{ greetings: string[] }> {
    return Promise.resolve({ greetings: [request.name] });
  }
}

describe('@Rpc', () => {
  // Called as Nest calls it, with whatever arrived on the queue.
  const call = (payload: unknown) => (new Greeter().greet as (raw: unknown) => unknown)(payload);

  it('hands the handler the payload as its schema parsed it: trimmed, defaults applied', async () => {
    await expect(call({ name: '  ada ' })).resolves.toEqual({ greeting: 'hello ada' });
  });

  it('refuses a payload the contract does not allow with 422 naming each field, before the handler runs', async () => {
    const before = greeted;
    const failure: unknown = await Promise.resolve(call({ name: 5, times: 9, admin: true })).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ServiceError);
    expect(failure).toMatchObject({
      status: 422,
      errors: { name: ['must be text'], times: ['must be at most 3'], admin: ['is not allowed'] },
    });
    expect(greeted).toBe(before);
  });
});
