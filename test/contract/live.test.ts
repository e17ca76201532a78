/**
 * The read-only part of the contract, against a real Backlog space, when a user supplies one
 * (ARCHITECTURE.md §10): BACKLOG_LIVE_URL (https://SPACE.backlog.com) and BACKLOG_LIVE_APIKEY. Without them
 * these tests are reported as skipped — the only skips the test runner allows (titles "[live]").
 * The same shape specs as the emulator's contract suite are checked, so a difference between the
 * emulator and Backlog shows up as a failing assertion here.
 */
import { Backlog } from 'backlog-js';
import { test } from 'node:test';
import { arrayOf, assertShape, ISSUE, PROJECT, STATUS, USER, ISSUE_TYPE, CATEGORY, VERSION, ID_NAME } from '../helpers/shape.js';

const url = process.env.BACKLOG_LIVE_URL;
const apiKey = process.env.BACKLOG_LIVE_APIKEY;
const skip = url && apiKey ? false : 'set BACKLOG_LIVE_URL and BACKLOG_LIVE_APIKEY to run against a real space';

function client(): Backlog {
  return new Backlog({ host: new URL(url as string).host, apiKey: apiKey as string });
}

test('[live] space, myself, priorities and resolutions have the documented shapes', { skip }, async () => {
  const backlog = client();
  assertShape(await backlog.getSpace(), {
    spaceKey: 'string',
    name: 'string',
    ownerId: 'number',
    lang: 'string',
    timezone: 'string',
    reportSendTime: 'string',
    textFormattingRule: 'string',
    created: 'timestamp',
    updated: 'timestamp',
  });
  assertShape(await backlog.getMyself(), USER);
  assertShape(await backlog.getPriorities(), arrayOf(ID_NAME));
  assertShape(await backlog.getResolutions(), arrayOf(ID_NAME));
});

test('[live] projects and their settings have the documented shapes', { skip }, async () => {
  const backlog = client();
  const projects = await backlog.getProjects();
  assertShape(projects, arrayOf(PROJECT));
  const first = projects[0];
  if (!first) return;
  assertShape(await backlog.getProjectStatuses(first.id), arrayOf(STATUS));
  assertShape(await backlog.getIssueTypes(first.id), arrayOf(ISSUE_TYPE));
  assertShape(await backlog.getCategories(first.id), arrayOf(CATEGORY));
  assertShape(await backlog.getVersions(first.id), arrayOf(VERSION));
});

test('[live] issues have the documented shape and count=101 is refused', { skip }, async () => {
  const backlog = client();
  assertShape(await backlog.getIssues({ count: 5 }), arrayOf(ISSUE));
  const res = await fetch(`${url}/api/v2/issues?apiKey=${apiKey}&count=101`);
  if (res.status !== 400) throw new Error(`count=101 answered ${res.status}, the emulator answers 400`);
});
