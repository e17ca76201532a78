/**
 * Every route the emulator serves, one list per endpoint family. The server matches in this
 * order; the contract suite's coverage check walks the same list.
 */
import type { Route } from '../route.js';
import { DOCUMENTS_ROUTES } from './documents.js';
import { GIT_ROUTES } from './git.js';
import { ISSUE_CHILDREN_ROUTES } from './issue-children.js';
import { ISSUES_ROUTES } from './issues.js';
import { NOTIFICATIONS_ROUTES } from './notifications.js';
import { OAUTH_ROUTES } from './oauth.js';
import { PROJECT_SETTINGS_ROUTES } from './project-settings.js';
import { PROJECTS_ROUTES } from './projects.js';
import { SHARED_FILES_ROUTES } from './shared-files.js';
import { SPACE_ROUTES } from './space.js';
import { STARS_ROUTES } from './stars.js';
import { TEAMS_ROUTES } from './teams.js';
import { USERS_ROUTES } from './users.js';
import { WATCHINGS_ROUTES } from './watchings.js';
import { WEB_PAGE_ROUTES } from './web-pages.js';
import { WIKIS_ROUTES } from './wikis.js';

export const ROUTES: readonly Route[] = [
  ...OAUTH_ROUTES,
  ...SPACE_ROUTES,
  ...USERS_ROUTES,
  ...PROJECTS_ROUTES,
  ...PROJECT_SETTINGS_ROUTES,
  ...SHARED_FILES_ROUTES,
  ...ISSUES_ROUTES,
  ...ISSUE_CHILDREN_ROUTES,
  ...WIKIS_ROUTES,
  ...DOCUMENTS_ROUTES,
  ...GIT_ROUTES,
  ...STARS_ROUTES,
  ...NOTIFICATIONS_ROUTES,
  ...WATCHINGS_ROUTES,
  ...TEAMS_ROUTES,
  ...WEB_PAGE_ROUTES,
];
