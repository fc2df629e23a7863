import { handleCommand } from '../decider/command-handler.ts';
import { fold } from '../decider/decider.ts';
import type { EventStore } from '../eventstore/types.ts';
import type { QuestionnaireEvent, QuestionnaireState } from './decider.ts';
import { questionnaireDecider, questionnaireStreamId } from './decider.ts';
import { defaultQuestionnaireConfig } from './default-config.ts';

export const loadQuestionnaires = async (store: EventStore): Promise<QuestionnaireState> =>
  fold(questionnaireDecider, (await store.readStream(questionnaireStreamId)) as unknown as QuestionnaireEvent[]);

/**
 * Publishes the shipped default bank as the first version when none exists yet. Idempotent: the
 * command id is fixed, so concurrent starts append it once.
 */
export const ensureDefaultQuestionnaire = async (store: EventStore, now: Date): Promise<QuestionnaireState> => {
  const state = await loadQuestionnaires(store);
  if (state.current > 0) return state;
  const result = await handleCommand(
    store,
    questionnaireStreamId,
    questionnaireDecider,
    { type: 'PublishQuestionnaire', config: defaultQuestionnaireConfig, note: 'default bank shipped with PingGai' },
    { commandId: 'questionnaire:default:v1', actor: { id: 'system' }, now },
  );
  return result.state.current > 0 ? result.state : loadQuestionnaires(store);
};
