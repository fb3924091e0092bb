import { TidingsError } from '@tidings/shared';

/** The deployment already classifies as many distinct own topics as OWN_TOPICS_MAX allows. */
export class OwnTopicCeilingError extends TidingsError {
  constructor(ceiling: number, adding: number) {
    super(
      'TIDINGS_OWN_TOPICS_FULL',
      `ownTopics: this deployment already classifies its ${ceiling} distinct own topics (OWN_TOPICS_MAX), and this would add ${adding} more`,
      {
        fix: 'choose among the shared labels, write a topic someone already has, or ask the operator to raise OWN_TOPICS_MAX (each distinct topic adds classifier time per article)',
      },
    );
  }
}
