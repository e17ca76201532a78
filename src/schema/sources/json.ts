/**
 * Backlog's small JSON objects that many answers embed (docs/backlog-api.md §7): users, named
 * references, attachments, stars and tags. Each family's own objects live in its file beside.
 */

/**
 * A user (§7.1): whole in GET /users, embedded as `createdUser`, `assignee`, `presenter`… Some
 * embeddings are leaner, so only `id` is certain; the rest may be missing or null.
 */
export interface UserJson {
  id: number;
  userId?: string | null;
  name?: string | null;
  roleType?: number | null;
  lang?: string | null;
  mailAddress?: string | null;
  nulabAccount?: { nulabId: string; name: string; uniqueId: string } | null;
  keyword?: string | null;
  lastLoginTime?: string | null;
}

/** `{id, name}`: priorities, resolutions, an issue's type, status and resolution (§7.8). */
export interface NamedJson {
  id: number;
  name: string;
}

/** A tag of a wiki page or a document. */
export type TagJson = NamedJson;

/** An attachment list item (§7.13). */
export interface AttachmentJson {
  id: number;
  name: string;
  size: number;
  createdUser?: UserJson | null;
  created?: string | null;
}

/** A star (§7.14). */
export interface StarJson {
  id: number;
  comment: string | null;
  url: string | null;
  title: string | null;
  presenter: UserJson | null;
  created: string | null;
}
