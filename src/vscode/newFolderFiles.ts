import * as vscode from 'vscode';

/** Enough for a scaffolded package; a bigger drop (an unpacked archive) is recorded as the folder itself. */
export const NEW_FOLDER_FILE_LIMIT = 500;
/** Folders read at most: deep empty trees cost nothing to skip. */
export const NEW_FOLDER_DIR_LIMIT = 200;

/**
 * The files inside a newly created folder. File watchers miss files written into a folder before its
 * watch is set up (mkdir -p a/b && write a/b/c), so a new folder is listed once.
 * Symbolic links are not followed; `skip` prunes ignored paths. `truncated` says the limit was reached.
 */
export async function newFolderFiles(
  folder: vscode.Uri,
  skip: (uri: vscode.Uri) => boolean,
): Promise<{ files: vscode.Uri[]; truncated: boolean; folders: Set<string> }> {
  const files: vscode.Uri[] = [];
  /** The folders read (file system paths): a folder made after its listing is not among them. */
  const folders = new Set<string>();
  const queue = [folder];
  while (queue.length) {
    if (folders.size >= NEW_FOLDER_DIR_LIMIT) return { files, truncated: true, folders };
    const dir = queue.shift()!;
    folders.add(dir.fsPath);
    let entries: [string, vscode.FileType][];
    try {
      entries = await vscode.workspace.fs.readDirectory(dir);
    } catch {
      continue; // removed again meanwhile
    }
    for (const [name, type] of entries) {
      const uri = vscode.Uri.joinPath(dir, name);
      if (skip(uri)) continue;
      if (type === vscode.FileType.Directory) queue.push(uri);
      else if (type & vscode.FileType.File) {
        if (files.length >= NEW_FOLDER_FILE_LIMIT) return { files, truncated: true, folders };
        files.push(uri);
      }
    }
  }
  return { files, truncated: false, folders };
}
