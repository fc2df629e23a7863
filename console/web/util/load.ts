import { ref } from 'vue';
import type { Ref } from 'vue';
import { ApiError } from '../api/http.ts';

export interface Loaded<T> {
  readonly data: Ref<T | null>;
  readonly loading: Ref<boolean>;
  /** The failure of the last load, or null. */
  readonly error: Ref<ApiError | Error | null>;
  readonly reload: () => Promise<void>;
}

/**
 * Loads data for a panel and remembers how it went, so that each panel can say "loading", "no
 * data", "not served yet" (a route the staff API does not have yet) or the error, independently of
 * the other panels on the page.
 */
export const useLoad = <T>(load: () => Promise<T>): Loaded<T> => {
  const data = ref<T | null>(null) as Ref<T | null>;
  const loading = ref(false);
  const error = ref<ApiError | Error | null>(null);
  let generation = 0;
  const reload = async (): Promise<void> => {
    const mine = ++generation;
    loading.value = true;
    error.value = null;
    try {
      const value = await load();
      if (mine === generation) data.value = value;
    } catch (failure) {
      if (mine === generation) {
        data.value = null;
        error.value = failure instanceof Error ? failure : new Error(String(failure));
      }
    } finally {
      if (mine === generation) loading.value = false;
    }
  };
  return { data, loading, error, reload };
};

/**
 * The field errors of a problem+json answer, for showing beside the form controls they name. An item
 * of a list ('cooperatingDepartments.1', 'evidence.0.blobKey') is shown beside the list's control too,
 * which is the one a form has.
 */
export const fieldErrorsOf = (error: unknown): Record<string, string> => {
  if (!(error instanceof ApiError)) return {};
  const fields: Record<string, string> = {};
  for (const item of error.problem.errors ?? []) {
    fields[item.field] ??= item.message;
    const list = /^([^.]+)\.\d+(?:\.|$)/.exec(item.field)?.[1];
    if (list !== undefined) fields[list] = fields[list] === undefined ? item.message : `${fields[list]};${item.message}`;
  }
  return fields;
};

/**
 * The next page of a newest-first list, appended without the rows already shown: when new rows
 * arrive between two "load more" clicks, an offset page starts with rows of the page before.
 */
export const appendPage = <T>(rows: readonly T[], page: readonly T[], key: (row: T) => string): T[] => {
  const shown = new Set(rows.map(key));
  return [...rows, ...page.filter((row) => !shown.has(key(row)))];
};
