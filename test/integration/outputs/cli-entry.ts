// The klarsyn CLI from the sources (no build needed), for the release CLI test.
import { main } from '../../../control-plane/src/cli/main.js';

process.exit(await main(process.argv.slice(2)));
