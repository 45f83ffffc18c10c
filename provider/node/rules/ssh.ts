/**
 * Value rules for reaching a host over SSH: the host's name or address, a private key's text and a
 * pinned host key (fingerprint or public-key line).
 */
import * as net from "net";
import type { Rule } from "../declare";
import { CONTROL_CHARACTER, WHITESPACE_OR_CONTROL } from "./text";

const HOST_LABEL = /^[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;

export const hostProblem: Rule = (host) => {
  const what = "the Windows host's DNS name, IPv4 or IPv6 address, e.g. win-01.example.com or 10.0.0.5";
  if (host === "") return `must not be empty: ${what}`;
  if (WHITESPACE_OR_CONTROL.test(host)) return `must not contain spaces or control characters: ${what}`;
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(host)) return `must be a bare host without a scheme such as ssh://: ${what}`;
  if (host.startsWith("[")) return "must be an IPv6 address without brackets, e.g. fd00::5 (the port goes in connection.port)";
  if (net.isIP(host)) return undefined;
  if (host.includes("@")) return `must not contain a user: give it in the user property; ${what}`;
  if (host.includes(":")) return `must not contain a port: give it in the port property; ${what}`;
  const name = host.endsWith(".") ? host.slice(0, -1) : host;
  const labels = name.split(".");
  if (name.length > 253 || !labels.every((label) => HOST_LABEL.test(label))) {
    return `is not a valid host name (labels of 1 to 63 letters, digits or hyphens, not starting or ending with a hyphen; 253 characters at most): ${what}`;
  }
  if (labels.every((label) => /^\d+$/.test(label))) return `is not a valid IPv4 address (four numbers 0-255): ${what}`;
  return undefined;
};

const PRIVATE_KEY_BEGIN = /^-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY-----/;
const PRIVATE_KEY_END = /-----END ([A-Z0-9]+ )*PRIVATE KEY-----\s*$/;

export const privateKeyProblem: Rule = (key) => {
  const text = key.trimStart();
  if (/^(ssh-|ecdsa-|sk-)/.test(text) || text.startsWith("-----BEGIN SSH2 PUBLIC KEY")) {
    return "is a public key: give the private key's text (it begins with \"-----BEGIN\" and ends with \"PRIVATE KEY-----\")";
  }
  if (text.startsWith("PuTTY-User-Key-File")) {
    return "is a PuTTY .ppk key: export it in OpenSSH format with puttygen (Conversions > Export OpenSSH key)";
  }
  if (!PRIVATE_KEY_BEGIN.test(text)) {
    return "must be the private key's text in PEM or OpenSSH format (it begins with \"-----BEGIN\"), not a file path: read the file, e.g. fs.readFileSync(path, \"utf8\")";
  }
  if (!PRIVATE_KEY_END.test(text)) {
    return "is cut short: the \"-----END ... PRIVATE KEY-----\" line is missing (keep the key's line breaks when passing it through an environment variable)";
  }
  return undefined;
};

const PUBLIC_KEY_TYPES = [
  "ssh-ed25519",
  "ssh-rsa",
  "ssh-dss",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "sk-ssh-ed25519@openssh.com",
  "sk-ecdsa-sha2-nistp256@openssh.com",
];

export const hostKeyProblem: Rule = (hostKey) => {
  const what =
    "either a SHA256 fingerprint as `ssh-keygen -lf` prints it (SHA256: and 43 base64 characters, no trailing =) or an OpenSSH public-key line such as \"ssh-ed25519 AAAA...\"; leave it out to trust the first key seen and enforce it from then on";
  if (hostKey.startsWith("SHA256:")) {
    return /^SHA256:[A-Za-z0-9+/]{43}$/.test(hostKey) ? undefined : `is not a valid fingerprint: must be ${what}`;
  }
  if (/^MD5:/i.test(hostKey) || /^([0-9a-f]{2}:){15}[0-9a-f]{2}$/i.test(hostKey)) {
    return `is an MD5 fingerprint: must be ${what}`;
  }
  const [type, blob, ...rest] = hostKey.trim().split(/ +/);
  if (!type || !PUBLIC_KEY_TYPES.includes(type)) {
    if (blob && PUBLIC_KEY_TYPES.includes(blob)) return `looks like a known_hosts line: remove the host name in front; must be ${what}`;
    return `must be ${what}`;
  }
  if (CONTROL_CHARACTER.test(rest.join(" "))) return `must be a single line: ${what}`;
  if (!blob || !/^[A-Za-z0-9+/]+={0,2}$/.test(blob) || blobKeyType(blob) !== type) {
    return `has a key blob that is not a valid ${type} key: copy the whole line from the host's .pub file; must be ${what}`;
  }
  return undefined;
};

/** The key type recorded inside an SSH public-key blob (an SSH string: uint32 length, then the name). */
function blobKeyType(blob: string): string | undefined {
  const bytes = Buffer.from(blob, "base64");
  if (bytes.length < 4) return undefined;
  const length = bytes.readUInt32BE(0);
  if (length > bytes.length - 4) return undefined;
  return bytes.subarray(4, 4 + length).toString("latin1");
}

export const DIAL_ERROR_LIMIT_RULE = "must be -1 (keep dialing until the connect deadline) or a whole number of dial attempts of at least 1";

export function validDialErrorLimit(n: number): boolean {
  return Number.isInteger(n) && (n === -1 || n >= 1);
}
