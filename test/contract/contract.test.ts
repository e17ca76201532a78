/**
 * The contract suite: drives the emulator with the official client backlog-js across every
 * endpoint family and asserts the documented shapes (docs/backlog-api.md §7), each error
 * kind and the paging edges. It ends with the route-coverage check: every route the emulator
 * serves must have been exercised by some family.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { control, startTestEmulator } from '../helpers/emulator.js';
import { bankCoverage, coveredRoutes, emu, setEmulator } from './harness.js';
import { documentsContract } from './families/documents.js';
import { gitContract } from './families/git.js';
import { issuesContract } from './families/issues.js';
import { localisedNamesContract } from './families/localised-names.js';
import { oauthContract } from './families/oauth.js';
import { projectsContract } from './families/projects.js';
import { spaceUsersContract } from './families/space-users.js';
import { webAddressesContract } from './families/web-addresses.js';
import { wikisContract } from './families/wikis.js';
import { errorsContract, rateLimitContract } from './families/errors.js';

before(async () => {
  setEmulator(await startTestEmulator());
});

after(async () => {
  await emu().close();
});

describe('space, users and personal data', spaceUsersContract);
describe('projects and project settings', projectsContract);
describe('issues and their children', issuesContract);
describe("built-in names in the reader's language", localisedNamesContract);
describe('wikis', wikisContract);
describe('documents', documentsContract);
describe('git repositories and pull requests', gitContract);
describe('web addresses in answers: Location and star urls', webAddressesContract);
describe('OAuth 2.0 authorization server', oauthContract);
describe('bad input and errors', errorsContract);
describe('rate limits', rateLimitContract);

describe('route coverage', () => {
  test('every emulator route was exercised by the contract suite', async () => {
    await bankCoverage();
    const { routes } = (await control(emu(), 'GET', 'routes')) as { routes: string[] };
    const missed = routes.filter((r) => !coveredRoutes().has(r));
    assert.deepEqual(missed, [], `routes never exercised:\n  ${missed.join('\n  ')}`);
  });
});
