#!/usr/bin/env node
/**
 * A $BROWSER stand-in for the desktop-flow tests: given the authorization URL, it does what a
 * person does with plain HTTP (cookies, forms): log in on the emulator's page, press Allow or
 * Deny, and follow the redirect to the driver's callback listener. FAKE_BROWSER_* variables steer
 * it; FAKE_BROWSER_LOG receives one JSON line per callback request (status and headers, never
 * the code). With FAKE_BROWSER_REDIRECT_TO=FILE it does not follow the final redirect but writes
 * its URL to FILE, as a person copying the code from the address bar (the web and headless flows).
 */
import { appendFileSync } from 'node:fs';

const url = process.argv[2];
const env = process.env;
const log = (entry) => env.FAKE_BROWSER_LOG && appendFileSync(env.FAKE_BROWSER_LOG, `${JSON.stringify(entry)}\n`);
let cookie = '';

async function go(target, init = {}) {
  const res = await fetch(target, { ...init, redirect: 'manual', headers: { ...(init.headers ?? {}), ...(cookie ? { cookie } : {}) } });
  const set = res.headers.get('set-cookie');
  if (set) cookie = set.split(';')[0];
  return res;
}

function field(html, name) {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  return m ? m[1].replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n))) : '';
}

async function callback(target, label) {
  const res = await fetch(target);
  const body = await res.text();
  log({
    label,
    status: res.status,
    cacheControl: res.headers.get('cache-control'),
    referrerPolicy: res.headers.get('referrer-policy'),
    echoesCode: /code=/.test(body),
    title: /<h1>([^<]*)<\/h1>/.exec(body)?.[1],
  });
}

try {
  const origin = new URL(url).origin;
  let res = await go(url);
  // The server may answer at once with a redirect to the callback (an error such as PKCE missing).
  const early = res.headers.get('location');
  if (early && new URL(early, origin).origin !== origin) {
    await callback(new URL(early).href, 'callback');
    process.exit(0);
  }
  let html = await res.text();
  const form = new URLSearchParams({ url: field(html, 'url'), userId: env.FAKE_BROWSER_USER ?? '', password: env.FAKE_BROWSER_PASSWORD ?? '' });
  res = await go(`${origin}/Login.action`, { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  res = await go(new URL(res.headers.get('location') ?? '/', origin).href);
  html = await res.text();
  const decision = new URLSearchParams({
    request_id: field(html, 'request_id'),
    csrf_token: field(html, 'csrf_token'),
    [env.FAKE_BROWSER_ACTION ?? 'allow']: '1',
  });
  res = await go(`${origin}/OAuth2AccessRequest.action`, { method: 'POST', body: decision, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  const back = res.headers.get('location');
  if (!back) throw new Error(`no redirect after consent (HTTP ${res.status})`);
  const target = new URL(back);
  if (env.FAKE_BROWSER_REDIRECT_TO) {
    appendFileSync(env.FAKE_BROWSER_REDIRECT_TO, target.href);
    process.exit(0);
  }
  // A browser that resolves `localhost` to ::1 (or 127.0.0.1) ends up there.
  if (env.FAKE_BROWSER_CALLBACK_HOST) target.hostname = env.FAKE_BROWSER_CALLBACK_HOST;
  if (env.FAKE_BROWSER_PROBES) {
    const wrong = new URL(target);
    wrong.searchParams.set('state', 'forged-state');
    await callback(wrong.href, 'wrong-state');
    const other = new URL(target);
    other.pathname = '/favicon.ico';
    await callback(other.href, 'other-path');
    const post = await fetch(target.href, { method: 'POST' });
    log({ label: 'post', status: post.status });
  }
  await callback(target.href, 'callback');
} catch (e) {
  log({ label: 'error', message: String(e && e.message) });
}
