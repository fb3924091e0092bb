import { TidingsError } from '@tidings/shared';

/** Why a preview got no answer: no classifier took it, one took it and ran out of time, or it failed. */
export type PreviewUnanswered = 'not-taken' | 'too-slow' | 'failed';

const PROBLEM: Record<PreviewUnanswered, string> = {
  'not-taken': 'no classifier took the preview',
  'too-slow': 'a classifier took the preview but did not finish it',
  failed: 'the classifier could not preview the topic',
};

const FIX: Record<PreviewUnanswered, string> = {
  'not-taken': 'check that a classifier is running (tidings status) and try again',
  'too-slow': 'the classifiers are busy: try again in a minute, or raise PREVIEW_TIMEOUT_MS',
  failed: 'try again; if it keeps failing, the classifier log names the reason',
};

/** A preview of an own topic that came back without one; nothing was stored either way. */
export class PreviewUnansweredError extends TidingsError {
  static readonly code = 'TIDINGS_PREVIEW_UNANSWERED';
  static readonly meaning =
    'A preview of an own topic got no answer within PREVIEW_TIMEOUT_MS: no classifier took it (the dashboard answers 503), one took it and ran out of time (504), or it failed (503). Nothing was saved either way.';
  static readonly fix =
    'Check that a classifier is running (tidings status) and try again; if the classifiers are busy with a run, try again later or raise PREVIEW_TIMEOUT_MS.';

  constructor(
    readonly reason: PreviewUnanswered,
    timeoutMs: number,
    detail?: string,
  ) {
    super(
      PreviewUnansweredError.code,
      `${PROBLEM[reason]} within ${timeoutMs} ms (PREVIEW_TIMEOUT_MS)${detail ? `: ${detail}` : ''}`,
      { fix: FIX[reason] },
    );
  }
}
