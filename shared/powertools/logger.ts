// The Powertools logger every function shares: structured JSON with the Lambda context and a correlation id.
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: 'tyrehero-dispatch' });
