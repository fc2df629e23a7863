import { computed } from 'vue';
import type { ComputedRef } from 'vue';
import { ApiError } from '../../api/http.ts';
import { useLoad } from '../../util/load.ts';

/**
 * A configuration page's data: what the API serves, or — while its route is not there yet — the
 * defaults shipped with the system, clearly labelled as such (never passed off as what is in force).
 */
export const useConfig = <T>(load: () => Promise<T>, shipped: T) => {
  const loaded = useLoad(load);
  void loaded.reload();
  const fallback = computed(() => loaded.error.value instanceof ApiError && loaded.error.value.unavailable);
  const value: ComputedRef<T | null> = computed(() => loaded.data.value ?? (fallback.value ? shipped : null));
  const realError = computed(() => (fallback.value ? null : loaded.error.value));
  return { ...loaded, value, fallback, realError };
};
