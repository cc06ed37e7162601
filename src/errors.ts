import { isAbsolute, relative } from "node:path";

// One error type for every "bad input" condition: it renders as a single line that names the file
// (and line, and rule or key) at fault, and the CLI maps it to exit code 2.

export interface ErrorLocation {
  file?: string;
  line?: number;
  /** Rule id or configuration key the error is about. */
  subject?: string;
}

export class KeyfenceError extends Error {
  readonly file?: string;
  readonly line?: number;
  readonly subject?: string;

  constructor(message: string, where: ErrorLocation = {}) {
    super(message);
    this.name = "KeyfenceError";
    this.file = where.file;
    this.line = where.line;
    this.subject = where.subject;
  }

  /** `file:line: subject: message`, newlines folded so the error stays on one line. */
  format(): string {
    const loc = this.file ? `${this.file}${this.line ? `:${this.line}` : ""}: ` : "";
    const subject = this.subject ? `${this.subject}: ` : "";
    return `${loc}${subject}${this.message}`.replace(/\s*[\r\n]+\s*/g, " ");
  }
}

/** How a file is named in messages: relative to the working folder when inside it, else as given. */
export function displayPath(file: string): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : file;
}
