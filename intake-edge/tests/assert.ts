/**
 * A tiny assertion helper so the same intake test cases run under vitest (Node) and `deno test`
 * (Deno) without either runner's assertion library.
 */
export class AssertionFailed extends Error {
  override readonly name = 'AssertionFailed';
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionFailed(message);
}

export const assertEqual = <T>(actual: T, expected: T, message: string): void => {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new AssertionFailed(`${message}\n  expected: ${e}\n  actual:   ${a}`);
};
