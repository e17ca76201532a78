/**
 * A person's browser in plain HTTP for the web flow's tests: open the authorization URL, log in,
 * allow, and return the code of the redirect (without following it to the web app).
 */
import assert from 'node:assert/strict';

export async function browserCode(emuUrl: string, person: { userId: string; password: string }, url: string): Promise<string> {
  let cookie = '';
  const go = async (target: string, init: RequestInit = {}) => {
    const res = await fetch(target, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) } });
    const set = res.headers.get('set-cookie');
    if (set) cookie = set.split(';')[0] as string;
    return res;
  };
  const field = (html: string, name: string) =>
    (new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '').replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
  let html = await (await go(url)).text();
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  let res = await go(`${emuUrl}/Login.action`, {
    method: 'POST',
    headers: form,
    body: new URLSearchParams({ url: field(html, 'url'), userId: person.userId, password: person.password }).toString(),
  });
  html = await (await go(new URL(res.headers.get('location') ?? '/', emuUrl).href)).text();
  res = await go(`${emuUrl}/OAuth2AccessRequest.action`, {
    method: 'POST',
    headers: form,
    body: new URLSearchParams({ request_id: field(html, 'request_id'), csrf_token: field(html, 'csrf_token'), allow: '1' }).toString(),
  });
  const code = new URL(res.headers.get('location') ?? '').searchParams.get('code');
  assert.ok(code, 'the redirect carries a code');
  return code;
}
