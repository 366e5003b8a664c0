// `npm run bench`: sets the service's production logging up, then runs the benchmark (see run.ts). `-- --quick` for a smoke run.

// Read by Powertools when shared/powertools.ts is first imported, so they are set before anything else loads.
// INFO and metrics on, as in production: formatting log lines and EMF is part of the measured path (run.ts discards the output).
process.env.POWERTOOLS_LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'INFO';
process.env.POWERTOOLS_SERVICE_NAME = 'tyrehero-dispatch';
process.env.POWERTOOLS_METRICS_NAMESPACE = 'TyreHero/Emergency';
process.env.POWERTOOLS_TRACE_ENABLED = 'false';
process.env.STAGE ??= 'bench';
process.env.AWS_REGION ??= 'eu-west-2';
process.env.AWS_ACCESS_KEY_ID ??= 'local';
process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = '1';
// Handler modules build default deps at import (never connected: the benchmark gives each container its own deps).
process.env.DATABASE_URL ??= 'postgres://bench@127.0.0.1:9/not_used_by_the_benchmark';

const { runBenchmark } = await import('./run.js');
process.exitCode = await runBenchmark(process.argv.slice(2));
