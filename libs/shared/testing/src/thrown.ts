/** The error `work` throws, which must be a `type`; fails the test if it throws nothing, or else. */
export function thrownBy<E>(type: abstract new (...args: never[]) => E, work: () => unknown): E {
  try {
    work();
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error(`expected a ${type.name}`);
}
