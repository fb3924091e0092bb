import { TidingsError } from '@tidings/shared';

/** Another delivery holds the destination's slot: the job goes back to the queue, not to sleep in a worker. */
export class DestinationBusyError extends TidingsError {
  static readonly code = 'TIDINGS_DESTINATION_BUSY';
  static readonly meaning =
    'Another delivery to the same destination was in flight, so this one went back to the queue to ask again later; it is not a failure.';
  static readonly fix =
    'Nothing: it is tried again by itself. If a destination is always busy, look at how slowly it answers.';

  constructor(
    destination: string,
    readonly waitMs: number,
  ) {
    super(
      DestinationBusyError.code,
      `${destination}: another delivery to it is in flight; asking again in ${waitMs} ms`,
    );
  }
}
