/**
 * What DownloadAttachment and DownloadFile share: the output parameters (OutputFolder, FileName,
 * Overwrite), the result columns, and delivering the bytes (a file in OutputFolder, or base64).
 */
import { stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { BinaryResponse } from '../api/types.js';
import { argError, flag, plainFileName, refuseLocalFiles, safeFileName, text } from './common.js';
import type { ProcedureColumn, ProcedureContext, ProcedureParam } from './types.js';

export const OUTPUT_PARAMS: readonly ProcedureParam[] = [
  {
    name: 'OutputFolder',
    type: 'VARCHAR',
    required: false,
    description:
      'An existing local folder to save the file in (not allowed for SQL from remote clients). Without it the bytes come back as base64 in FileData.',
  },
  {
    name: 'FileName',
    type: 'VARCHAR',
    required: false,
    description: 'Name to save the file under in OutputFolder; default: the name Backlog gives, made safe (no folders, no characters file systems refuse).',
  },
  {
    name: 'Overwrite',
    type: 'BOOLEAN',
    required: false,
    default: 'FALSE',
    description: 'Replace a file of the same name in OutputFolder; without it an existing file is an error and is left untouched.',
  },
];

export const DOWNLOAD_RESULTS: readonly ProcedureColumn[] = [
  { name: 'FileName', type: 'VARCHAR', description: 'The file name Backlog gives.' },
  { name: 'Size', type: 'BIGINT', description: 'Size in bytes.' },
  { name: 'ContentType', type: 'VARCHAR', description: 'Media type Backlog gives, e.g. image/png.' },
  { name: 'FilePath', type: 'VARCHAR', description: 'Absolute path of the saved file (NULL without OutputFolder).' },
  { name: 'FileData', type: 'VARCHAR', description: 'The bytes as base64 (NULL with OutputFolder).' },
  { name: 'Success', type: 'BOOLEAN', description: 'True when the file was downloaded (and saved).' },
];

/** Where the file goes, checked before any request: undefined for base64 output. */
export interface OutputPlan {
  folder: string;
  fileName: string | undefined;
  overwrite: boolean;
}

export async function planOutput(procedure: string, args: Record<string, unknown>, ctx: ProcedureContext): Promise<OutputPlan | undefined> {
  const folderArg = text(args.OutputFolder);
  const nameArg = text(args.FileName);
  const overwrite = flag(procedure, args, 'Overwrite', false);
  if (folderArg === undefined) {
    if (nameArg !== undefined || overwrite)
      throw argError(
        procedure,
        `${nameArg !== undefined ? 'FileName' : 'Overwrite'} needs OutputFolder`,
        'Without OutputFolder the file comes back as base64 in FileData.',
      );
    return undefined;
  }
  refuseLocalFiles(ctx, procedure, 'OutputFolder', 'Leave OutputFolder out: the file then comes back as base64 in FileData.');
  const folder = resolve(folderArg);
  const info = await stat(folder).catch(() => undefined);
  if (!info?.isDirectory())
    throw argError(
      procedure,
      `OutputFolder ${folder} is not an existing folder`,
      'Create the folder first, or leave OutputFolder out to get base64 in FileData.',
    );
  return { folder, fileName: nameArg === undefined ? undefined : plainFileName(procedure, 'FileName', nameArg), overwrite };
}

/** The result row: the file saved per `plan` (never replacing a file unless Overwrite), or base64. */
export async function deliver(procedure: string, file: BinaryResponse, plan: OutputPlan | undefined, fallbackName: string): Promise<Record<string, unknown>[]> {
  const base = { FileName: file.filename, Size: file.data.length, ContentType: file.contentType };
  if (!plan) return [{ ...base, FilePath: null, FileData: file.data.toString('base64'), Success: true }];
  const name = plan.fileName ?? safeFileName(file.filename, fallbackName);
  const target = join(plan.folder, name);
  // safeFileName and plainFileName leave one path component; checked again so no name can leave the folder.
  if (dirname(target) !== plan.folder) throw argError(procedure, `the file name ${JSON.stringify(name)} would leave OutputFolder`);
  try {
    await writeFile(target, file.data, { flag: plan.overwrite ? 'w' : 'wx' });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      throw argError(procedure, `${target} already exists`, 'Pass @Overwrite = TRUE to replace it, or FileName to save under another name.');
    }
    throw argError(procedure, `cannot write ${target}: ${code ?? (e as Error).message}`);
  }
  return [{ ...base, FilePath: target, FileData: null, Success: true }];
}
