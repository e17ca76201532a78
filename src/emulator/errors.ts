/**
 * Backlog's error answers: `{"errors":[{"message","code","moreInfo"}]}` with the HTTP status
 * Backlog uses for each code (docs/backlog-api.md §6). Handlers throw these; the server turns
 * them into responses, so no handler can leak a stack trace.
 */

/** Backlog error codes (backlog-api.md §6). */
export const ErrorCode = {
  InternalError: 1,
  LicenceError: 2,
  LicenceExpiredError: 3,
  AccessDeniedError: 4,
  UnauthorizedOperationError: 5,
  NoResourceError: 6,
  InvalidRequestError: 7,
  SpaceOverCapacityError: 8,
  ResourceOverflowError: 9,
  TooLargeFileError: 10,
  AuthenticationError: 11,
  RequiredMFAError: 12,
  TooManyRequestsError: 13,
} as const;

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly headers: Record<string, string> = {},
    /** Further problems of the same request, each its own entry of `errors` after `message`. */
    readonly moreMessages: readonly string[] = [],
  ) {
    super(message);
    this.name = 'ApiFailure';
  }

  /** Backlog's body: one entry per problem, the first being `message`. */
  body(): { errors: { message: string; code: number; moreInfo: string }[] } {
    return { errors: [this.message, ...this.moreMessages].map((message) => ({ message, code: this.code, moreInfo: '' })) };
  }
}

/** 400 / code 7: a bad parameter. The message always names the parameter. */
export function badRequest(message: string): ApiFailure {
  return new ApiFailure(400, ErrorCode.InvalidRequestError, message);
}

/** 400 / code 7 naming every bad parameter of the request, one `errors` entry each. */
export function badRequests(messages: readonly [string, ...string[]]): ApiFailure {
  const [first, ...more] = messages;
  return new ApiFailure(400, ErrorCode.InvalidRequestError, first, {}, more);
}

/**
 * Every 400 / code 7 problem of one request, so the answer names them all as Backlog's `errors`
 * array does, instead of stopping at the first. Any other failure (403, 404…) still ends the
 * request at once.
 */
export class Problems {
  private readonly messages: string[] = [];

  /** Note a problem (its message names the parameter). */
  add(message: string): void {
    this.messages.push(message);
  }

  /** Run one check; a bad-request failure is noted and `undefined` returned. */
  check<T>(run: () => T): T | undefined {
    try {
      return run();
    } catch (error) {
      if (!(error instanceof ApiFailure) || error.status !== 400 || error.code !== ErrorCode.InvalidRequestError) throw error;
      this.messages.push(error.message, ...error.moreMessages);
      return undefined;
    }
  }

  /** Throw one failure naming every problem noted, if any. */
  throwIfAny(): void {
    const [first, ...more] = this.messages;
    if (first !== undefined) throw badRequests([first, ...more]);
  }
}

/** 404 / code 6: the resource does not exist (or the caller may not see it). */
export function noResource(message: string): ApiFailure {
  return new ApiFailure(404, ErrorCode.NoResourceError, message);
}

/** 403 / code 5: the caller's role, or a disabled project feature, forbids the operation. */
export function forbidden(message = 'You do not have permission to perform this operation.'): ApiFailure {
  return new ApiFailure(403, ErrorCode.UnauthorizedOperationError, message);
}

/** 403 / code 5 for a project feature that is switched off, with Backlog's message key. */
export function featureRestricted(feature: 'git' | 'wiki' | 'file' | 'document' | 'subversion'): ApiFailure {
  return new ApiFailure(403, ErrorCode.UnauthorizedOperationError, `msg.featureRestrictedError.title.${feature}`);
}

/** 401 / code 11 with a WWW-Authenticate challenge (RFC 6750 §3). */
export function unauthenticated(description: string, tokenError = false): ApiFailure {
  const challenge = tokenError ? `Bearer error="invalid_token", error_description="${description}"` : 'Bearer realm="backlog"';
  return new ApiFailure(401, ErrorCode.AuthenticationError, tokenError ? description : 'Authentication failure.', {
    'WWW-Authenticate': challenge,
  });
}
