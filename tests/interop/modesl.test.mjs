// modesl (npm `modesl`): callback API, JSON subscription right after auth, v4 Job-UUIDs.
import { createRequire } from 'node:module';
import { defineModeslSuite } from './helpers/modesl_family.mjs';

const esl = createRequire(import.meta.url)('modesl');
defineModeslSuite(esl, { reconnects: false, subscribesOnAuth: true });
