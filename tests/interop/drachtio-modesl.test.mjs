// drachtio-modesl: fork of modesl that reconnects inbound connections with backoff and does not
// subscribe to anything after auth.
import { createRequire } from 'node:module';
import { defineModeslSuite } from './helpers/modesl_family.mjs';

const esl = createRequire(import.meta.url)('drachtio-modesl');
defineModeslSuite(esl, { reconnects: true, subscribesOnAuth: false });
