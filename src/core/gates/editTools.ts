// The agent tools that change files: the gates decide on them, and the hook keeps their compiled code apart
// (bin.ts), which is why this stands alone rather than in decide.ts.

/** The tools that change files, and where each names its file. */
export const EDIT_TOOLS: Readonly<Record<string, string>> = { Edit: 'file_path', Write: 'file_path', MultiEdit: 'file_path', NotebookEdit: 'notebook_path' };
