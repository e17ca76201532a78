/**
 * Recent-update records (activities) that writes leave behind, as Backlog does: adding an issue
 * shows up in the space's, the project's and the author's recent updates.
 * Activity types: docs/backlog-api.md §13.
 */
import type { ActivityRec, Store } from './store.js';

export const ActivityType = {
  IssueCreated: 1,
  IssueUpdated: 2,
  IssueCommented: 3,
  IssueDeleted: 4,
  WikiCreated: 5,
  WikiUpdated: 6,
  WikiDeleted: 7,
  FileAdded: 8,
  FileUpdated: 9,
  FileDeleted: 10,
  GitPushed: 12,
  GitRepositoryCreated: 13,
  ProjectUserAdded: 15,
  ProjectUserRemoved: 16,
  PullRequestAdded: 18,
  PullRequestUpdated: 19,
  PullRequestCommented: 20,
  PullRequestMerged: 21,
  MilestoneCreated: 22,
  MilestoneUpdated: 23,
  MilestoneDeleted: 24,
  DocumentCreated: 36,
  DocumentDeleted: 37,
} as const;

export function recordActivity(
  store: Store,
  a: { projectId: number; type: number; content: Record<string, unknown>; createdUserId: number; created: number },
): ActivityRec {
  return store.activities.insert({ id: store.nextId('activity'), ...a });
}
