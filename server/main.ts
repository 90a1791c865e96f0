import {loadConfig} from './config';
import {AppDbRefused, ConfigError, TrainerNotBuilt} from '../domain/errors';
import {closeServices, createApp, createInternalApp, createServices} from './app';
import {resumeBackfills} from './backfill/bulk';
import {startSchedule} from './jobs/schedule';
import {trainerEntry} from './jobs/trainer-bundle';

/** Start-up only: configuration, services, listen, and a clean stop on SIGINT/SIGTERM. */
function main(): void {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`pairwise: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  // The server spawns the built trainer (npm run build): a missing build stops start-up now, not the first training.
  try {
    trainerEntry();
  } catch (err) {
    if (err instanceof TrainerNotBuilt) {
      console.error(`pairwise: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  let services;
  try {
    services = createServices(config);
  } catch (err) {
    // An empty or damaged app.db: starting over would forget every shop, so stop and say which file.
    if (err instanceof AppDbRefused) {
      console.error(`pairwise: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  // The read threads load their code now, not at the first admin read, where every shop would wait on it.
  services.reads.start();
  const stopSchedule = startSchedule(services);
  resumeBackfills(services);
  // Trainings queued or running when the last server stopped: queued ones run in order, interrupted ones once more.
  services.training.resume();
  const server = createApp(services).listen(config.port, () => {
    services.log('info', 'pairwise listening', {port: config.port, appUrl: config.appUrl.href, dataDir: config.dataDir});
  });
  server.on('error', (err: NodeJS.ErrnoException) => {
    console.error(err.code === 'EADDRINUSE' ? `pairwise: port ${config.port} is in use; set PORT to another one` : err);
    process.exit(1);
  });
  // The workers' /internal/* on a listener of its own, on a loopback or private address (config.ts checks it).
  const internal = services.workers && config.internal ? createInternalApp({...services, workers: services.workers}).listen(config.internal.port, config.internal.host, () => {
    services.log('info', 'pairwise internal listener (workers)', {host: config.internal!.host, port: config.internal!.port});
  }) : undefined;
  internal?.on('error', (err: NodeJS.ErrnoException) => {
    console.error(err.code === 'EADDRINUSE' ? `pairwise: port ${config.internal!.port} is in use; set PAIRWISE_INTERNAL_PORT to another one` : err);
    process.exit(1);
  });
  const stop = () => {
    internal?.close();
    server.close(() => {
      stopSchedule();
      closeServices(services);
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main();
