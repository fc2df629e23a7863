/**
 * Runs `work` on each item, `lanes` at a time, in the items' order. After a failure nothing more
 * starts, and the error surfaces once the work under way has ended (settled, not raced).
 *
 * @example
 *   await inLanes(indexes, 2, (index) => buildIndex(db, index));
 */
export const inLanes = async <T>(items: readonly T[], lanes: number, work: (item: T, index: number) => Promise<void>): Promise<void> => {
  let next = 0;
  const failures: unknown[] = [];
  const lane = async () => {
    while (next < items.length && failures.length === 0) {
      const index = next++;
      try {
        await work(items[index]!, index);
      } catch (error) {
        failures.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.floor(lanes) || 1) }, lane));
  if (failures.length > 0) throw failures[0];
};
