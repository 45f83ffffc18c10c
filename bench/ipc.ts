/**
 * Requests to a child Node process over its IPC channel: the benchmark keeps the simulated hosts
 * and each measured provider run in processes of their own, so that the memory measured is the
 * provider's alone and each case starts from a fresh process.
 */
import { fork, type ChildProcess } from "child_process";
import * as path from "path";

type Handler = (arg: never) => Promise<unknown>;

interface Request {
  id: number;
  method: string;
  arg: unknown;
}

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/** In the child: answers the parent's requests; exits when the parent lets go of it. */
export function serveRequests(handlers: Record<string, Handler>): void {
  process.on("message", (request: Request) => {
    const handler = handlers[request.method];
    const answer = handler ? handler(request.arg as never) : Promise.reject(new Error(`no method "${request.method}"`));
    answer.then(
      (value) => reply({ id: request.id, ok: true, value }),
      (error: unknown) => reply({ id: request.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
  process.on("disconnect", () => process.exit(0));
}

function reply(message: Reply): void {
  process.send?.(message);
}

/** In the parent: one child running a compiled module of this folder. */
export class ChildWorker {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    child.on("message", (message: Reply) => {
      const waiter = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      if (message.ok) waiter?.resolve(message.value);
      else waiter?.reject(new Error(message.error));
    });
    this.exited = new Promise((resolve) =>
      child.once("exit", (code, signal) => {
        for (const waiter of this.waiting.values()) waiter.reject(new Error(`the benchmark child exited (code ${code}, signal ${signal})`));
        this.waiting.clear();
        resolve();
      }),
    );
  }

  /** `moduleName` is a file of this folder, e.g. "farm-process"; it must be compiled (npm run build). */
  static start(moduleName: string): ChildWorker {
    if (!__filename.endsWith(".js")) throw new Error("child processes need the compiled benchmark: npm run build:dev, then node build/bench/run.js");
    return new ChildWorker(fork(path.join(__dirname, `${moduleName}.js`), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] }));
  }

  call<T>(method: string, arg?: unknown): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: (value) => resolve(value as T), reject });
      this.child.send({ id, method, arg } satisfies Request);
    });
  }

  /** Lets the child exit and waits until it has. */
  async stop(): Promise<void> {
    if (this.child.connected) this.child.disconnect();
    await this.exited;
  }
}
