/**
 * The signed-in user's own lists (docs/backlog-api.md §7.21, §7.22, §7.28): the inbox, watchings
 * and what they viewed lately. Stars a user received are StarJson, their updates ActivityJson.
 */
import type { NamedJson, UserJson } from './json.js';
import type { WikiListItemJson } from './wiki-pages.js';

/** A notification in the inbox (§7.21): what it is about is in one of the nullable objects. */
export interface NotificationJson {
  id: number;
  alreadyRead: boolean;
  reason: number;
  resourceAlreadyRead: boolean;
  project: { id: number; projectKey: string } | null;
  issue: { id: number; issueKey: string; summary: string } | null;
  comment: { id: number } | null;
  repository: { id: number } | null;
  pullRequest: { id: number; number: number } | null;
  pullRequestComment: { id: number } | null;
  document?: { id: string; title: string } | null;
  sender: UserJson | null;
  created: string;
}

/** A watching (§7.22). */
export interface WatchingJson {
  id: number;
  resourceAlreadyRead: boolean;
  note: string | null;
  type: string;
  issue: { id: number; projectId: number; issueKey: string; summary: string } | null;
  lastContentUpdated: string | null;
  created: string;
  updated: string;
}

/** A recently viewed issue (§7.28). */
export interface ViewedIssueJson {
  issue: {
    id: number;
    projectId: number;
    issueKey: string;
    summary: string;
    issueType: NamedJson | null;
    status: NamedJson | null;
    assignee: UserJson | null;
    updated: string;
  };
  updated: string;
}

/** A recently viewed project (§7.28). */
export interface ViewedProjectJson {
  project: { id: number; projectKey: string; name: string; archived: boolean };
  updated: string;
}

/** A recently viewed wiki page (§7.28): the page as the wiki list shows it. */
export interface ViewedWikiJson {
  page: WikiListItemJson;
  updated: string;
}
