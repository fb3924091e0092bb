import { TidingsError } from '@tidings/shared';

/** Another delivery holds the destination's slot: the job goes back to the queue, not to sleep in a worker. */
export class DestinationBusyError extends TidingsError {
  constructor(
    destination: string,
    readonly waitMs: number,
  ) {
    super(
      'TIDINGS_DESTINATION_BUSY',
      `${destination}: another delivery to it is in flight; asking again in ${waitMs} ms`,
    );
  }
}
