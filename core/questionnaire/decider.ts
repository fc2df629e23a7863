import type { Decider, DomainEvent } from '../decider/decider.ts';
import { assertNever } from '../decider/decider.ts';
import { DomainError } from '../shared/errors.ts';
import { configProblems } from './consistency.ts';
import type { QuestionnaireConfig } from './types.ts';

/** The one stream holding every questionnaire version. */
export const questionnaireStreamId = 'config-questionnaire';

/** 问卷发布: a complete configuration, immutable; ratings name the version they answered. */
export type QuestionnairePublished = DomainEvent<
  'QuestionnairePublished',
  { readonly version: number; readonly config: QuestionnaireConfig; readonly note: string }
>;
export type QuestionnaireEvent = QuestionnairePublished;

export type QuestionnaireCommand = { readonly type: 'PublishQuestionnaire'; readonly config: QuestionnaireConfig; readonly note: string };

export interface QuestionnaireState {
  readonly current: number;
  /** Every version ever published: an old invitation is answered with the version it was issued with. */
  readonly versions: Readonly<Record<number, QuestionnaireConfig>>;
}

const sameConfig = (a: QuestionnaireConfig, b: QuestionnaireConfig): boolean => JSON.stringify(a) === JSON.stringify(b);

const decide = (command: QuestionnaireCommand, state: QuestionnaireState): QuestionnaireEvent[] => {
  switch (command.type) {
    case 'PublishQuestionnaire': {
      const problems = configProblems(command.config);
      if (problems.length > 0) {
        const first = problems[0]!;
        throw new DomainError('QUESTIONNAIRE_INVALID', `问卷配置有误: ${first.message}`, {
          status: 422,
          details: { field: first.field, en: `The questionnaire configuration is not valid: ${first.message}`, problems },
        });
      }
      const current = state.versions[state.current];
      if (current && sameConfig(current, command.config)) return [];
      return [{ type: 'QuestionnairePublished', data: { version: state.current + 1, config: command.config, note: command.note } }];
    }
    default:
      return assertNever(command.type);
  }
};

const evolve = (state: QuestionnaireState, event: QuestionnaireEvent): QuestionnaireState => {
  switch (event.type) {
    case 'QuestionnairePublished':
      return { current: event.data.version, versions: { ...state.versions, [event.data.version]: event.data.config } };
    default:
      return assertNever(event.type);
  }
};

/** Questionnaires are configuration, versioned as events (stream `config-questionnaire`). */
export const questionnaireDecider: Decider<QuestionnaireCommand, QuestionnaireEvent, QuestionnaireState> = {
  initialState: { current: 0, versions: {} },
  decide,
  evolve,
  schemaVersions: { QuestionnairePublished: 1 },
};
