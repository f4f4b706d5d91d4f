// Loaded before the app (`node --import ./telemetry.js main.js`), so that what it uses is traced.
import { startTelemetry } from '@capstone/telemetry';

startTelemetry({ serviceName: 'blog' });
