// A cross-process lock for the setup scripts: a file created with O_EXCL holding a JSON record
// (pid, host, start time, a random token); its mtime is refreshed while held. It is stale when
// its process is gone (same host) or it has not been refreshed for `staleMs`.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { clearInterval, setInterval } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';

const HEARTBEAT_MS = 15_000;
const STALE_MS = 10 * 60_000;

/**
 * @param {object} options
 * @param {string} options.path the lock file
 * @param {string} options.what what is being set up, for messages ("setup", "torch setup")
 * @param {(line: string) => void} options.say progress output
 * @param {(message: string, fix: string) => Error} options.failure the error to throw on timeout
 */
export function fileLock({ path, what, say, failure }) {
  let token = null;
  let heartbeat = null;

  function read() {
    try {
      const raw = fs.readFileSync(path, 'utf8');
      const mtimeMs = fs.statSync(path).mtimeMs;
      let info = null;
      try {
        info = JSON.parse(raw);
      } catch {
        /* being written, or garbage */
      }
      return { raw, info, mtimeMs };
    } catch (error) {
      if (error.code === 'ENOENT') return null;
      throw error;
    }
  }

  function isStale({ info, mtimeMs }) {
    if (Date.now() - mtimeMs > STALE_MS) return true;
    if (info && info.host === os.hostname() && Number.isInteger(info.pid)) {
      try {
        process.kill(info.pid, 0);
      } catch (error) {
        return error.code === 'ESRCH';
      }
    }
    return false;
  }

  // Rename first, then check it is still the lock we judged stale: two waiters cannot both
  // break it, and a fresh lock taken meanwhile is put back.
  function breakStale(holder) {
    const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      fs.renameSync(path, aside);
    } catch {
      return; // somebody else broke or released it
    }
    let raw = null;
    try {
      raw = fs.readFileSync(aside, 'utf8');
    } catch {
      /* ignore */
    }
    if (raw !== holder.raw) {
      try {
        fs.linkSync(aside, path);
      } catch {
        /* a new lock exists already */
      }
    } else {
      say(`removed a stale lock (${holder.info ? `pid ${holder.info.pid}` : 'unreadable'})`);
    }
    fs.rmSync(aside, { force: true });
  }

  async function acquire() {
    const mine = `${os.hostname()}:${process.pid}:${randomBytes(6).toString('hex')}`;
    const record = { pid: process.pid, host: os.hostname(), started: new Date().toISOString(), token: mine };
    const timeoutMs = Number(process.env.TCONV_LOCK_TIMEOUT || 1800) * 1000;
    const deadline = Date.now() + timeoutMs;
    let announced = false;
    for (;;) {
      try {
        const fd = fs.openSync(path, 'wx');
        fs.writeSync(fd, `${JSON.stringify(record)}\n`);
        fs.closeSync(fd);
        token = mine;
        break;
      } catch (error) {
        if (error.code !== 'EEXIST') throw error;
      }
      const holder = read();
      if (!holder) continue; // vanished meanwhile: retry at once
      if (isStale(holder)) {
        breakStale(holder);
        continue;
      }
      if (!announced) {
        const who = holder.info
          ? `pid ${holder.info.pid} on ${holder.info.host}, since ${holder.info.started}`
          : 'unknown holder';
        say(`waiting for another ${what} to finish (${who}; lock ${path})`);
        announced = true;
      }
      if (Date.now() > deadline) {
        throw failure(
          `another ${what} has held ${path} for more than ${Math.round(timeoutMs / 1000)}s`,
          `wait for it to finish; if no setup is running, delete ${path} and rerun`,
        );
      }
      await sleep(500);
    }
    heartbeat = setInterval(() => {
      try {
        const now = new Date();
        fs.utimesSync(path, now, now);
      } catch {
        /* lock removed under us; nothing sensible to do */
      }
    }, HEARTBEAT_MS);
    heartbeat.unref();
  }

  function release() {
    if (heartbeat) clearInterval(heartbeat);
    heartbeat = null;
    if (!token) return;
    try {
      if (JSON.parse(fs.readFileSync(path, 'utf8')).token === token) fs.rmSync(path);
    } catch {
      /* not ours or gone */
    }
    token = null;
  }

  return { acquire, release };
}
