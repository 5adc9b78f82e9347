import { Box, useInput, useWindowSize } from 'ink';
import { ConfirmPrompt } from '../components/ConfirmPrompt.js';
import { ActionBanner, Footer } from '../components/Footer.js';
import { Header } from '../components/Header.js';
import { Palette } from '../components/Palette.js';
import { Readiness } from '../components/Readiness.js';
import { AuditScreen } from './AuditScreen.js';
import { CockpitScreen } from './CockpitScreen.js';
import { AppContext, type AppCtx, useApp, useCockpit, useUi } from './context.js';
import { HelpScreen } from './HelpScreen.js';
import { MIN_COLS, MIN_ROWS, TooSmall } from './TooSmall.js';

export const NARROW_COLS = 84;

function Root() {
  const { columns, rows } = useWindowSize();
  const screen = useUi((s) => s.screen);
  const overlay = useUi((s) => s.prompt !== null || s.palette !== null);
  const noticeLines = useUi((s) => (s.notice ? 1 : 0));
  const alarm = useCockpit((s) => (s.audit.alarm ? 1 : 0));
  const last = useCockpit((s) => s.actions.last);
  const ctx = useApp();
  useInput((input, key) => ctx.controller.onKey(input, key));
  if (columns < MIN_COLS || rows < MIN_ROWS) return <TooSmall cols={columns} rows={rows} />;
  const narrow = columns <= NARROW_COLS;
  const bannerMax = last ? Math.min(rows >= 30 ? 6 : 3, 1 + last.channels.length + (last.next ? 1 : 0)) : 0;
  const footerH = 1 + noticeLines + alarm;
  const bodyH = Math.max(4, rows - 2 - bannerMax - footerH);
  return (
    <Box flexDirection="column" width={columns} height={rows} overflow="hidden">
      <Header narrow={narrow} />
      <Readiness />
      <Box height={bodyH} width={columns}>
        {overlay ? (
          <Box flexDirection="column" paddingX={2} paddingY={1} width={columns}>
            <ConfirmPrompt width={columns - 4} />
            <Palette width={columns - 4} />
          </Box>
        ) : screen === 'help' ? (
          <HelpScreen height={bodyH} width={columns} />
        ) : screen === 'audit' ? (
          <AuditScreen height={bodyH} />
        ) : (
          <CockpitScreen height={bodyH} width={columns} narrow={narrow} />
        )}
      </Box>
      <ActionBanner maxLines={bannerMax} />
      <Footer />
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
