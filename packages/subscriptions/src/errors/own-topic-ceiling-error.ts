import { TidingsError } from '@tidings/shared';

/** The deployment already classifies as many distinct own topics as OWN_TOPICS_MAX allows. */
export class OwnTopicCeilingError extends TidingsError {
  static readonly code = 'TIDINGS_OWN_TOPICS_FULL';
  static readonly meaning =
    'The deployment already classifies as many distinct own topics as OWN_TOPICS_MAX allows, and this subscription would add more; nothing was saved.';
  static readonly fix =
    'Choose among the shared labels, or a topic someone already has; or ask the operator to raise OWN_TOPICS_MAX (each distinct topic adds classifier time per article).';

  constructor(ceiling: number, adding: number) {
    super(
      OwnTopicCeilingError.code,
      `ownTopics: this deployment already classifies its ${ceiling} distinct own topics (OWN_TOPICS_MAX), and this would add ${adding} more`,
      {
        fix: 'choose among the shared labels, write a topic someone already has, or ask the operator to raise OWN_TOPICS_MAX (each distinct topic adds classifier time per article)',
      },
    );
  }
}
