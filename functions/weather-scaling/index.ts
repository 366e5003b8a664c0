// Weather scaling's public entry: what other features may use (incident response reads the service regions).
export { weatherConcern } from './config.js';
