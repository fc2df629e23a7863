/**
 * Wakes subscribers when something was appended. In-process listeners are told at once; a
 * cross-process transport (Postgres LISTEN/NOTIFY) is optional, and polling remains the fallback.
 */
export interface ChangeFeed {
  /** Called by the store after a successful append. */
  announce(): void;
  onChange(listener: () => void): () => void;
  close(): Promise<void>;
}

export const inProcessChangeFeed = (): ChangeFeed & { notifyLocal(): void } => {
  const listeners = new Set<() => void>();
  const notifyLocal = () => {
    for (const listener of listeners) listener();
  };
  return {
    announce: notifyLocal,
    notifyLocal,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      listeners.clear();
    },
  };
};
