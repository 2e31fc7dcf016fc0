/**
 * A control-plane replica as a process of its own, for the kill test: `startServer` with the
 * configuration file in KLARSYN_CONFIG (as `klarsyn serve` in a pod). It reports on stdout, one
 * JSON object a line: {"url"} once listening, then {"running": [...]} whenever the set of leader
 * tasks it runs changes.
 */
import { loadConfig } from '../../../control-plane/src/config/load.js';
import { createLogger } from '../../../control-plane/src/logger.js';
import { closeOnSignals, startServer } from '../../../control-plane/src/server.js';

const config = loadConfig();
const server = await startServer(config, createLogger(config.log.level));
const say = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);
say({ url: server.url });
let last = '';
setInterval(() => {
  const running = server.app.leaderTasks.running().sort();
  if (running.join() !== last) {
    last = running.join();
    say({ running });
  }
}, 50);
// As `klarsyn serve`: a graceful stop on SIGTERM (stops leader work, releases the lease).
closeOnSignals(server, createLogger(config.log.level));
