/**
 * `GET /_emulator/export`: the whole data set as Backlog-shaped JSON, so tests can compute
 * expected query results independently of the driver. Each family adds its collection here.
 */
import { PRIORITIES, RESOLUTIONS, categoryJson, customFieldJson, issueJson, issueTypeJson, projectJson, spaceJson, statusJson, userJson, versionJson, commentJson } from './serialize/core.js';
import type { Store } from './store.js';

export function exportData(store: Store): Record<string, unknown> {
  const tz = store.space.timezone;
  return {
    space: spaceJson(store.space),
    users: store.users.all().map(userJson),
    priorities: PRIORITIES,
    resolutions: RESOLUTIONS,
    projects: store.projects.all().map((p) => ({
      ...projectJson(p),
      memberIds: p.memberIds,
      administratorIds: p.adminIds,
      teamIds: p.teamIds,
    })),
    statuses: store.statuses.all().map(statusJson),
    issueTypes: store.issueTypes.all().map(issueTypeJson),
    categories: store.categories.all().map(categoryJson),
    versions: store.versions.all().map((v) => versionJson(v, tz)),
    customFields: store.customFields.all().map(customFieldJson),
    issues: store.issues.all().map((i) => issueJson(store, i)),
    comments: store.comments.all().map((c) => commentJson(store, c)),
  };
}
