#!/usr/bin/env node
/**
 * A $BROWSER for the mix-up test (OAUTH-11): it takes the authorization URL of space A, sends the
 * person to the same path on another space (MIXUP_ORIGIN, the "attacker's" authorization server),
 * and then behaves as ./fake-browser.mjs: logs in, allows, follows the redirect to the callback.
 */
const url = new URL(process.argv[2]);
const other = new URL(process.env.MIXUP_ORIGIN);
url.protocol = other.protocol;
url.host = other.host;
process.argv[2] = url.href;
await import('./fake-browser.mjs');
