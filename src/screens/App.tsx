import { Box, useInput, useWindowSize } from 'ink';
import { useEffect } from 'react';
import { ConfirmPrompt } from '../components/ConfirmPrompt.js';
import { ActionBanner, Footer } from '../components/Footer.js';
import { Header } from '../components/Header.js';
import { Palette } from '../components/Palette.js';
import { Readiness } from '../components/Readiness.js';
import { AuditScreen } from './AuditScreen.js';
import { ProceduresScreen } from './ProceduresScreen.js';
import { CockpitScreen } from './CockpitScreen.js';
import { AppContext, type AppCtx, useApp, useCockpit, useUi } from '../ui/context.js';
import { HelpScreen } from './HelpScreen.js';
import { bannerLines, bodyHeight } from '../ui/layout.js';
import { MIN_COLS, MIN_ROWS, TooSmall } from './TooSmall.js';

export const NARROW_COLS = 84;

function Root() {
  const { columns, rows } = useWindowSize();
  const screen = useUi((s) => s.screen);
  const overlay = useUi((s) => s.prompt !== null || s.palette !== null);
  const notice = useUi((s) => s.notice !== null);
  const alarm = useCockpit((s) => s.audit.alarm !== null);
  const last = useCockpit((s) => s.actions.last);
  const ctx = useApp();
  useInput((input, key) => ctx.controller.onKey(input, key));
  // The controller pages the help and audit screens: it needs the size as it needs the keys.
  useEffect(() => ctx.controller.setViewport(columns, rows), [ctx.controller, columns, rows]);
  if (columns < MIN_COLS || rows < MIN_ROWS) return <TooSmall cols={columns} rows={rows} />;
  const narrow = columns <= NARROW_COLS;
  const bannerMax = bannerLines(rows, last, columns);
  const bodyH = bodyHeight(rows, { notice, alarm, last }, columns);
  const other = overlay ? (
    <Box flexDirection="column" paddingX={2} paddingY={1} width={columns}>
      <ConfirmPrompt width={columns - 4} maxHeight={bodyH - 2} />
      <Palette width={columns - 4} maxHeight={bodyH - 2} />
    </Box>
  ) : screen === 'help' ? (
    <HelpScreen height={bodyH} width={columns} />
  ) : screen === 'procedures' && ctx.controller.procedures ? (
    <ProceduresScreen session={ctx.controller.procedures} height={bodyH} width={columns} />
  ) : screen === 'audit' ? (
    <AuditScreen height={bodyH} />
  ) : null;
  return (
    <Box flexDirection="column" width={columns} height={rows} overflow="hidden">
      <Header narrow={narrow} width={columns} />
      <Readiness />
      <Box height={bodyH} width={columns} flexShrink={0} overflow="hidden">
        {other}
        {/* Mounted all along, hidden under a prompt or another screen: ! and Esc only hide and show
            it. Unmounting it remounted every pane and laid them all out anew on Esc, the slowest key
            of a log flood (bench/cockpit.bench.test.ts). */}
        <CockpitScreen height={bodyH} width={columns} narrow={narrow} hidden={other !== null} />
      </Box>
      <ActionBanner maxLines={bannerMax} width={columns} />
      <Footer width={columns} />
    </Box>
  );
}

export function App({ ctx }: { ctx: AppCtx }) {
  return (
    <AppContext.Provider value={ctx}>
      <Root />
    </AppContext.Provider>
  );
}
