import { readFile, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { SqlError } from '../errors.js';
import { argError, contentTypeFor, decodeBase64, exactlyOne, plainFileName, refuseLocalFiles, text } from './common.js';
import type { ProcedureDef } from './types.js';

/** Backlog's largest per-file limit (the licence's attachmentLimitPerFile; plans may allow less). */
const MAX_BYTES = 100 * 1024 * 1024;

/**
 * POST /space/attachment, multipart part `file` (docs/backlog-api.md §8.1): the upload waits,
 * unattached, for up to an hour; its Id goes to AttachFileToWiki or to the AttachmentIds input of
 * Issues, IssueComments, WikiPages and PullRequests.
 */
const procedure: ProcedureDef = {
  name: 'PostAttachment',
  description:
    'Uploads a file to Backlog and returns its attachment Id, to attach within an hour with AttachFileToWiki or the AttachmentIds input of Issues, IssueComments and PullRequests. Give FilePath (a local file) or Content (base64) with FileName.',
  writes: true,
  parameters: [
    {
      name: 'FilePath',
      type: 'VARCHAR',
      required: false,
      description: 'Path of a local file to upload (not allowed for SQL from remote clients: use Content).',
    },
    { name: 'Content', type: 'VARCHAR', required: false, description: "The file's bytes as base64 (instead of FilePath)." },
    {
      name: 'FileName',
      type: 'VARCHAR',
      required: false,
      description: "Name Backlog shows for the file: required with Content; with FilePath it defaults to the file's own name.",
    },
  ],
  results: [
    { name: 'Id', type: 'BIGINT', description: 'Attachment id, for AttachFileToWiki or AttachmentIds.' },
    { name: 'Name', type: 'VARCHAR', description: 'File name.' },
    { name: 'Size', type: 'BIGINT', description: 'File size in bytes.' },
  ],
  async handler(args, ctx) {
    const which = exactlyOne('PostAttachment', args, ['FilePath', 'Content']);
    const givenName = text(args.FileName);
    let name = givenName === undefined ? undefined : plainFileName('PostAttachment', 'FileName', givenName);
    let data: Buffer;
    if (which === 'FilePath') {
      refuseLocalFiles(ctx, 'PostAttachment', 'FilePath', "Send the file's bytes as base64 in Content, with FileName.");
      const path = resolve(String(args.FilePath));
      const info = await stat(path).catch((e: NodeJS.ErrnoException) => {
        throw argError('PostAttachment', `cannot read FilePath ${path}: ${e.code === 'ENOENT' ? 'no such file' : (e.code ?? e.message)}`);
      });
      if (!info.isFile()) throw argError('PostAttachment', `FilePath ${path} is not a file`);
      if (info.size > MAX_BYTES) throw tooLarge(info.size);
      data = await readFile(path);
      name ??= basename(path);
    } else {
      if (name === undefined)
        throw argError('PostAttachment', 'FileName is required with Content', "Give the name Backlog should show, e.g. @FileName = 'report.pdf'.");
      data = decodeBase64('PostAttachment', 'Content', String(args.Content));
    }
    if (data.length > MAX_BYTES) throw tooLarge(data.length);
    const answer = await ctx.api.upload<{ id: number; name: string; size: number }>(
      '/space/attachment',
      { name, data, contentType: contentTypeFor(name) },
      { signal: ctx.signal },
    );
    return [{ Id: answer.id, Name: answer.name, Size: answer.size }];
  },
};

function tooLarge(size: number): SqlError {
  return argError(
    'PostAttachment',
    `the file is ${size} bytes; Backlog accepts at most ${MAX_BYTES} bytes per file`,
    "Your space's plan may allow less (Licenses.AttachmentLimitPerFile).",
  );
}
export default procedure;
