/**
 * The intake deployable: citizens' rating pages (SMS links, window QR codes) and the case systems'
 * signed API. Stateless and horizontally scaled; it only appends events. Environment: see ../env.ts.
 */
import { createIntakeApp } from '../../../intake-edge/app.ts';
import { intakeOf } from '../shared.ts';
import { runDeployable } from '../runtime.ts';

await runDeployable('intake', async (context) => ({ routes: createIntakeApp(intakeOf(context)) }));
