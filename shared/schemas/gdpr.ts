// Request shapes of the GDPR routes (operations only).
import * as z from 'zod';
import { phoneNumber } from './emergency.js';

export const DataSubjectBody = z
  .object({ phone: phoneNumber }, { error: 'the body must be a JSON object with phone' })
  .strict()
  .meta({ id: 'DataSubject', description: 'The customer, by the phone number they gave' });
