/**
 * The benchmark's baselines: a workflow that does nothing but, optionally, wait for one timer, started
 * the way warnings are started (signalWithStart with the same signal). Against it, the lifecycle's own
 * cost: its start, and how late its timers fire on the same server and machine.
 */
import { setHandler, sleep } from '@temporalio/workflow';
import { warningEventSignal } from '../signals.ts';

/** With `fireAt` (epoch ms): sleeps until then and returns how late (ms, workflow time) it woke. */
export async function benchNoop(fireAt?: number): Promise<number | null> {
  setHandler(warningEventSignal, () => {});
  if (fireAt === undefined) return null;
  const wait = fireAt - Date.now();
  if (wait > 0) await sleep(wait);
  return Date.now() - fireAt;
}
