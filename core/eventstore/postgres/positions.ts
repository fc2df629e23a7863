import type { LogPosition } from '../types.ts';

// A log position is (transaction id, global position), each zero-padded so that string order is
// log order. Reading in this order below the oldest open transaction is what makes subscribers
// gap-free: an event that commits late always sorts after everything already delivered.
const WIDTH = 20;

export const toLogPosition = (transactionId: string, globalPosition: string): LogPosition =>
  `${transactionId.padStart(WIDTH, '0')}/${globalPosition.padStart(WIDTH, '0')}` as LogPosition;

export const parseLogPosition = (position: LogPosition | null | undefined): { transactionId: string; globalPosition: string } => {
  if (!position) return { transactionId: '0', globalPosition: '0' };
  const match = /^(\d{1,20})\/(\d{1,20})$/.exec(position);
  if (!match) throw new Error(`not a Postgres log position: ${position}`);
  return { transactionId: BigInt(match[1]!).toString(), globalPosition: BigInt(match[2]!).toString() };
};
