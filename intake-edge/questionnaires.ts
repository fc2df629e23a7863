import type { EventStore } from '../core/eventstore/types.ts';
import type { QuestionnaireState } from '../core/questionnaire/decider.ts';
import { ensureDefaultQuestionnaire, loadQuestionnaires } from '../core/questionnaire/repository.ts';
import type { QuestionnaireConfig } from '../core/questionnaire/types.ts';
import type { Clock } from './deps.ts';

/**
 * Questionnaire versions for the edge. A published version never changes, so versions are cached
 * forever; "current" is re-read (a cheap single-stream read) so a newly published version is used
 * for the next invitation.
 */
export const questionnaireSource = (store: EventStore, clock: Clock) => {
  const versions = new Map<number, QuestionnaireConfig>();
  let ensured = false;
  const remember = (state: QuestionnaireState) => {
    for (const [version, config] of Object.entries(state.versions)) versions.set(Number(version), config);
    return state;
  };
  return {
    async current(): Promise<{ version: number; config: QuestionnaireConfig }> {
      const state = remember(ensured ? await loadQuestionnaires(store) : await ensureDefaultQuestionnaire(store, clock.now()));
      ensured = true;
      return { version: state.current, config: state.versions[state.current]! };
    },
    async version(version: number): Promise<QuestionnaireConfig | undefined> {
      if (!versions.has(version)) remember(await loadQuestionnaires(store));
      return versions.get(version);
    },
  };
};

export type QuestionnaireSource = ReturnType<typeof questionnaireSource>;
