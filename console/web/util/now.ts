import { onScopeDispose, ref } from 'vue';
import type { Ref } from 'vue';

/** The current time, ticking every 30 s while a component that uses it is mounted (countdowns). */
export const useNow = (intervalMs = 30_000): Ref<number> => {
  const now = ref(Date.now());
  const timer = setInterval(() => {
    now.value = Date.now();
  }, intervalMs);
  onScopeDispose(() => clearInterval(timer));
  return now;
};
