/**
 * The simulated host's SFTP subsystem, as Windows OpenSSH's sftp-server answers a client sending a
 * file: paths are "/C:/dir/file" (a drive letter after a leading slash), OPEN for writing creates
 * or truncates the file as the SSH user, WRITEs land at their offsets, CLOSE ends it. What it writes
 * goes into the back end's drive (SftpDrive), as real bytes: a transfer cut short leaves exactly
 * the bytes that arrived. Reading and listing are not needed by the provider and are refused.
 */
import { closeSync, fstatSync, openSync, writeSync } from "node:fs";
import { utils, type AcceptSftpConnection, type SFTPWrapper } from "ssh2";

const { OPEN_MODE, STATUS_CODE } = utils.sftp;

/** What SFTP writes into: one back end's simulated drive. */
export interface SftpDrive {
  /**
   * Creates (or empties) the file at a Windows path for the SSH user, inheriting its folder's DACL;
   * returns the local file that holds its bytes. Throws SftpRefusal where Windows would refuse.
   */
  openForWrite(windowsPath: string): Promise<string>;
}

/** Why the drive refused: no such folder, or access denied. */
export class SftpRefusal extends Error {
  constructor(
    readonly code: "no-such-file" | "permission-denied",
    message: string,
  ) {
    super(message);
  }
}

/** "/C:/ProgramData/x.msi" (or "C:/...") as the Windows path the server opens; undefined for any other form. */
export function windowsPathOf(sftpPath: string): string | undefined {
  const match = /^\/?([A-Za-z]:)(\/.*)$/.exec(sftpPath);
  return match ? match[1] + match[2].replace(/\//g, "\\") : undefined;
}

/** Serves one SFTP session until the client ends it or the connection drops (open files are closed then). */
export function serveSftp(accept: AcceptSftpConnection, drive: SftpDrive): void {
  const sftp = accept();
  const open = new Map<number, number>();
  let nextHandle = 1;
  const handleOf = (buffer: Buffer) => (buffer.length === 4 ? open.get(buffer.readUInt32BE(0)) : undefined);
  const closeAll = () => {
    for (const fd of open.values()) closeSync(fd);
    open.clear();
  };
  sftp.on("close", closeAll).on("end", closeAll);

  sftp.on("OPEN", (reqId, filename, flags) => {
    const path = windowsPathOf(filename);
    if (path === undefined) return sftp.status(reqId, STATUS_CODE.NO_SUCH_FILE, `simulator: not a Windows path: ${filename}`);
    if (!(flags & OPEN_MODE.WRITE) || !(flags & OPEN_MODE.CREAT)) return sftp.status(reqId, STATUS_CODE.OP_UNSUPPORTED, "simulator: only writing new files is simulated");
    drive.openForWrite(path).then(
      (local) => {
        const id = nextHandle++;
        open.set(id, openSync(local, "r+"));
        const handle = Buffer.alloc(4);
        handle.writeUInt32BE(id, 0);
        sftp.handle(reqId, handle);
      },
      (error: unknown) => refuse(sftp, reqId, error),
    );
  });
  sftp.on("WRITE", (reqId, handle, offset, data) => {
    const fd = handleOf(handle);
    if (fd === undefined) return sftp.status(reqId, STATUS_CODE.FAILURE, "invalid handle");
    writeSync(fd, data, 0, data.length, offset);
    sftp.status(reqId, STATUS_CODE.OK);
  });
  sftp.on("FSTAT", (reqId, handle) => {
    const fd = handleOf(handle);
    if (fd === undefined) return sftp.status(reqId, STATUS_CODE.FAILURE, "invalid handle");
    const stats = fstatSync(fd);
    sftp.attrs(reqId, { mode: 0o100666, uid: 0, gid: 0, size: stats.size, atime: 0, mtime: Math.floor(stats.mtimeMs / 1000) });
  });
  sftp.on("CLOSE", (reqId, handle) => {
    const fd = handleOf(handle);
    if (fd === undefined) return sftp.status(reqId, STATUS_CODE.FAILURE, "invalid handle");
    closeSync(fd);
    open.delete(handle.readUInt32BE(0));
    sftp.status(reqId, STATUS_CODE.OK);
  });
  for (const unsupported of ["READ", "OPENDIR", "READDIR", "REMOVE", "RMDIR", "MKDIR", "RENAME", "STAT", "LSTAT", "SETSTAT", "FSETSTAT", "REALPATH", "READLINK", "SYMLINK"] as const) {
    sftp.on(unsupported as "READ", (reqId: number) => sftp.status(reqId, STATUS_CODE.OP_UNSUPPORTED, `simulator: ${unsupported} is not simulated`));
  }
}

function refuse(sftp: SFTPWrapper, reqId: number, error: unknown): void {
  if (!(error instanceof SftpRefusal)) return void sftp.status(reqId, STATUS_CODE.FAILURE, error instanceof Error ? error.message : String(error));
  sftp.status(reqId, error.code === "no-such-file" ? STATUS_CODE.NO_SUCH_FILE : STATUS_CODE.PERMISSION_DENIED, error.message);
}
