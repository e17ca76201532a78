/**
 * The signal of work whose caller gave none: it never aborts. One shared signal instead of a new
 * AbortController per statement (creating one cost about as much as the rest of a `SELECT 1`'s
 * JavaScript). Nothing may keep a listener on it: the API client treats it as no signal at all,
 * and every other listener is removed when its wait ends.
 */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal;
