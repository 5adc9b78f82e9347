/**
 * React and Ink, loaded on their own before the cockpit's screens (src/cli/main.ts): between the two
 * loads the event loop runs, and the engine's answers that came in meanwhile are handled (the
 * container list's inspects go out) instead of waiting behind the screens' code.
 */
import 'ink';
import 'react';
