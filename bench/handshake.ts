/**
 * The handshake part of the floor: how long a bare SSH connection takes to be ready (TCP, key
 * exchange, password authentication without the `none` probe) through the same delay proxy as the
 * measured runs, with no exec. Nothing an operation does can come in under it. `make bench` takes
 * each sample as the first connection of a fresh process, as a provider process makes its first.
 */
import { Client } from "ssh2";
import type { FarmTarget } from "./farm";

const SAMPLES = 3;

export function connectOnce(target: FarmTarget): Promise<number> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    const started = performance.now();
    client.on("error", reject);
    client.on("ready", () => {
      const readyMs = performance.now() - started;
      client.end();
      resolve(readyMs);
    });
    client.connect({
      host: target.host,
      port: target.port,
      username: target.user,
      password: target.password,
      authHandler: ["password"],
      hostVerifier: () => true,
      readyTimeout: 60_000,
    });
    client.setNoDelay(true);
  });
}

/** The median of a few bare connections, one after the other, each made by `connect`. */
export async function bareHandshakeMs(target: FarmTarget, connect: (target: FarmTarget) => Promise<number> = connectOnce): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i++) samples.push(await connect(target));
  return samples.sort((a, b) => a - b)[Math.floor(SAMPLES / 2)];
}
