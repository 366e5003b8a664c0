// Handler modules build their default deps from the environment at import; give them a harmless one.
// Tests never call those default handlers: each test builds its own with makeHandler(testStack().deps).
import { inject } from 'vitest';

process.env.DATABASE_URL ??= `${inject('pgServerUrl').replace(/\/[^/]*$/, '')}/not_used_by_tests`;
process.env.DYNAMODB_ENDPOINT ??= inject('dynamodbEndpoint');
