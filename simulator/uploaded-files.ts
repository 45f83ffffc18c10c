/**
 * A file the SSH user creates over SFTP, on the HostState both back ends share: it belongs to that
 * user (as Windows makes an administrator's own files theirs over SSH), inherits its folder's DACL,
 * and holds bytes (a blob) instead of text. Windows' refusals become SftpRefusal.
 */
import { newBlob } from "./blobs";
import type { HostState } from "./host-state";
import { SID_ADMINISTRATOR_USER, setSecurity } from "./security";
import { SftpRefusal } from "./sftp";
import { WindowsFileSystem, parentOf } from "./windows-model";

/** Creates or empties the file; returns the local file that holds its bytes. */
export function createUploadedFile(state: HostState, path: string): string {
  const files = new WindowsFileSystem(state);
  if (!files.dirExists(parentOf(path))) throw new SftpRefusal("no-such-file", `The system cannot find the path specified: ${path}`);
  // Under ProgramData only an elevated administrator may create files in a folder taken over for Administrators.
  if (!state.isAdmin) throw new SftpRefusal("permission-denied", `Access to the path '${path}' is denied.`);
  try {
    files.assertWritable(path);
  } catch (error) {
    throw new SftpRefusal("permission-denied", error instanceof Error ? error.message : String(error));
  }
  const blob = newBlob();
  files.deleteFile(path);
  const name = files.writeFile(path, "");
  state.files[name].blob = blob.id;
  setSecurity(state, name, { owner: SID_ADMINISTRATOR_USER, protected: false, entries: [] });
  return blob.path;
}
