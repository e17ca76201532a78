/**
 * `GET /_emulator/export`: the whole data set as Backlog-shaped JSON, so tests can compute
 * expected query results independently of the driver. Each family contributes its collections;
 * objects carry the parent keys (projectId, issueId, userId…) that their API shape leaves out.
 */
import { exportIssues } from './issues/export.js';
import { exportOAuthApps } from './oauth/apps.js';
import { categoryJson, customFieldJson, issueTypeJson, projectJson, spaceJson, statusJson, userJson, versionJson } from './serialize/core.js';
import { exportDocuments } from './serialize/document.js';
import { exportGit } from './serialize/git.js';
import { exportProjectDiskUsage, exportSharedFiles, exportWebhooks } from './serialize/project.js';
import {
  exportActivities,
  exportNotifications,
  exportRecentlyViewed,
  exportSpaceExtras,
  exportStars,
  exportTeams,
  exportWatchings,
} from './serialize/social.js';
import { exportWikis } from './serialize/wiki.js';
import { priorityList, resolutionList } from './names.js';
import type { Store } from './store.js';

/** Built-in names (priorities, default statuses…) are in the space's language (./names.ts). */
export function exportData(store: Store): Record<string, unknown> {
  const tz = store.space.timezone;
  const lang = store.space.lang;
  return {
    space: spaceJson(store.space),
    ...exportSpaceExtras(store),
    users: store.users.all().map(userJson),
    priorities: priorityList(lang),
    resolutions: resolutionList(lang),
    projects: store.projects.all().map((p) => ({
      ...projectJson(p),
      memberIds: p.memberIds,
      administratorIds: p.adminIds,
      teamIds: p.teamIds,
    })),
    statuses: store.statuses.all().map((s) => statusJson(s, lang)),
    issueTypes: store.issueTypes.all().map((t) => issueTypeJson(t, lang)),
    categories: store.categories.all().map(categoryJson),
    versions: store.versions.all().map((v) => versionJson(v, tz)),
    customFields: store.customFields.all().map(customFieldJson),
    ...exportProjectDiskUsage(store),
    ...exportSharedFiles(store),
    ...exportWebhooks(store),
    ...exportIssues(store),
    ...exportWikis(store),
    ...exportDocuments(store),
    ...exportGit(store),
    ...exportTeams(store),
    ...exportStars(store),
    ...exportNotifications(store),
    ...exportWatchings(store),
    ...exportActivities(store),
    ...exportRecentlyViewed(store),
    ...exportOAuthApps(store),
  };
}
