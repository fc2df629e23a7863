/**
 * The simulation's agenda: actions at simulated instants, taken in time order (ties in the order
 * they were scheduled, so a run is reproducible). A binary heap: a month holds tens of thousands.
 */
export interface AgendaItem<Action> {
  readonly at: number;
  readonly seq: number;
  readonly action: Action;
}

export const createAgenda = <Action>() => {
  const heap: AgendaItem<Action>[] = [];
  let seq = 0;
  const before = (a: AgendaItem<Action>, b: AgendaItem<Action>) =>
    a.at < b.at || (a.at === b.at && a.seq < b.seq);
  const swap = (i: number, j: number) => {
    const t = heap[i]!;
    heap[i] = heap[j]!;
    heap[j] = t;
  };
  return {
    get size() {
      return heap.length;
    },
    schedule(at: Date | number, action: Action): void {
      heap.push({ at: typeof at === 'number' ? at : at.getTime(), seq: seq++, action });
      let i = heap.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!before(heap[i]!, heap[parent]!)) break;
        swap(i, parent);
        i = parent;
      }
    },
    peek(): AgendaItem<Action> | undefined {
      return heap[0];
    },
    take(): AgendaItem<Action> | undefined {
      const top = heap[0];
      const last = heap.pop();
      if (heap.length > 0 && last) {
        heap[0] = last;
        let i = 0;
        for (;;) {
          const l = 2 * i + 1;
          const r = l + 1;
          let m = i;
          if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
          if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
          if (m === i) break;
          swap(i, m);
          i = m;
        }
      }
      return top;
    },
  };
};

export type Agenda<Action> = ReturnType<typeof createAgenda<Action>>;
