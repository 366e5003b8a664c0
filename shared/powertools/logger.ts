// The Powertools logger every function shares: structured JSON with the Lambda context and a correlation id.
import { Logger } from '@aws-lambda-powertools/logger';
import { redactPersonalData } from '#shared/log-redaction.js';

// Every key and value passes through the redactor on its way out (docs/data-protection.md, "Data protection").
export const logger = new Logger({ serviceName: 'tyrehero-dispatch', jsonReplacerFn: redactPersonalData });
