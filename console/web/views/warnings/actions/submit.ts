import { ElMessage } from 'element-plus';
import { ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { ApiError, isIdempotencyKeyReused, newIdempotencyKey } from '../../../api/http.ts';
import type { ActionAnswer } from '../../../api/types.ts';
import type { WarningActionPath } from '../../../api/warnings.ts';
import { actOnWarning } from '../../../api/warnings.ts';
import { fieldErrorsOf } from '../../../util/load.ts';

/**
 * Submitting one warning action. The Idempotency-Key is made when the form opens and kept until the
 * action succeeds, so a double click or a retry after a lost answer acts once; a success starts a
 * new key for the next submission.
 */
export const useActionSubmit = (warningId: () => string, action: WarningActionPath, onDone: (answer: ActionAnswer) => void) => {
  const { t } = useI18n();
  const key = ref(newIdempotencyKey());
  const busy = ref(false);
  const error = ref('');
  const fields = ref<Record<string, string>>({});

  const submit = async (body: unknown): Promise<boolean> => {
    if (busy.value) return false;
    busy.value = true;
    error.value = '';
    fields.value = {};
    try {
      const answer = await actOnWarning(warningId(), action, body, key.value);
      void ElMessage.success(answer.alreadyHandled ? t('common.duplicate') : t('common.submitted'));
      key.value = newIdempotencyKey();
      onDone(answer);
      return true;
    } catch (failure) {
      if (isIdempotencyKeyReused(failure)) {
        key.value = newIdempotencyKey();
        error.value = t('common.keyReused');
        return false;
      }
      fields.value = fieldErrorsOf(failure);
      error.value = failure instanceof ApiError ? failure.message : failure instanceof Error ? failure.message : String(failure);
      return false;
    } finally {
      busy.value = false;
    }
  };
  return { busy, error, fields, submit };
};

/** 'SCJ, RSJ；ZSJ' → ['SCJ', 'RSJ', 'ZSJ'] (commas, Chinese punctuation or spaces). */
export const parseDepartments = (text: string): string[] => [
  ...new Set(
    text
      .split(/[\s,，、;；]+/)
      .map((code) => code.trim())
      .filter((code) => code !== ''),
  ),
];
