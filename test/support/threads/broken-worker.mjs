// A trainer worker entry that dies on start, as one would on a host where worker threads cannot load the code.
throw new Error('this worker cannot start');
