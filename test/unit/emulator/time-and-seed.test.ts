import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { seedStore } from '../../../src/emulator/seed/index.js';
import { dateInZone, isDateOnly, isoSeconds, zonedDateTime } from '../../../src/emulator/time.js';
import { issueJson } from '../../../src/emulator/serialize/core.js';

describe('Backlog date and time formats', () => {
  test('timestamps are UTC with second precision and Z', () => {
    assert.equal(isoSeconds(Date.parse('2013-02-07T08:09:49.765Z')), '2013-02-07T08:09:49Z');
  });

  test('date-only fields are midnight in the space time zone, expressed in UTC', () => {
    assert.equal(zonedDateTime('2013-09-04', 'Asia/Tokyo'), '2013-09-03T15:00:00Z');
    assert.equal(zonedDateTime('2026-07-01', 'America/Los_Angeles'), '2026-07-01T07:00:00Z');
    assert.equal(zonedDateTime('2026-01-15', 'America/Los_Angeles'), '2026-01-15T08:00:00Z');
  });

  test('the calendar date of an instant depends on the zone', () => {
    const instant = Date.parse('2026-03-01T02:00:00Z');
    assert.equal(dateInZone(instant, 'Asia/Tokyo'), '2026-03-01');
    assert.equal(dateInZone(instant, 'America/Los_Angeles'), '2026-02-28');
  });

  test('isDateOnly accepts real dates only', () => {
    assert.ok(isDateOnly('2024-02-29'));
    assert.ok(!isDateOnly('2023-02-29'));
    assert.ok(!isDateOnly('2024-2-9'));
  });
});

describe('seed data', () => {
  test('the same seed gives the same space; another seed gives another', () => {
    const a = seedStore({ seed: 1, scale: 'tiny', timezone: 'Asia/Tokyo' });
    const b = seedStore({ seed: 1, scale: 'tiny', timezone: 'Asia/Tokyo' });
    const c = seedStore({ seed: 2, scale: 'tiny', timezone: 'Asia/Tokyo' });
    const dump = (s: typeof a) => JSON.stringify(s.issues.all().map((i) => issueJson(s, i, 'ja')));
    assert.equal(dump(a), dump(b));
    assert.notEqual(dump(a), dump(c));
    assert.equal(a.users.all()[0]?.apiKey, b.users.all()[0]?.apiKey);
  });

  test('each scale has about the documented number of issues', () => {
    assert.equal(seedStore({ seed: 1, scale: 'tiny', timezone: 'Asia/Tokyo' }).issues.size, 50);
    assert.equal(seedStore({ seed: 1, scale: 'small', timezone: 'Asia/Tokyo' }).issues.size, 1000);
  });

  test('tiny scale has users of every role, all eight custom field types and switched-off features', () => {
    const s = seedStore({ seed: 1, scale: 'tiny', timezone: 'Asia/Tokyo' });
    assert.deepEqual([...new Set(s.users.all().map((u) => u.roleType))].sort(), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual([...new Set(s.customFields.all().map((f) => f.typeId))].sort(), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.ok(s.projects.all().some((p) => !p.useGit));
    assert.ok(s.projects.all().some((p) => !p.useWiki));
    assert.ok(
      s.issues.all().some((i) => i.parentIssueId !== null),
      'parent/child issues',
    );
    const nonEmpty = [
      'comments',
      'attachments',
      'sharedFiles',
      'stars',
      'wikis',
      'wikiTags',
      'wikiHistory',
      'documents',
      'documentComments',
      'repositories',
      'pullRequests',
      'pullRequestComments',
      'webhooks',
      'teams',
      'notifications',
      'watchings',
      'activities',
    ] as const;
    for (const name of nonEmpty) assert.ok(s[name].size > 0, `${name} is empty at tiny scale`);
    assert.ok(s.recentlyViewed.length > 0);
  });
});
