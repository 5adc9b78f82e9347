/**
 * Runbook procedures as checklists. Self-contained: it renders a ProcedureSession's stores and
 * gives the session the editor hook (Ink's suspendTerminal hands the terminal to $EDITOR and
 * redraws afterwards). Keys reach the session through the controller (session.onKey).
 */
import { Box, Text, useApp as useInkApp } from 'ink';
import { useEffect } from 'react';
import { useStore } from 'zustand';
import { ConfirmBox } from '../components/ConfirmPrompt.js';
import { theme } from '../components/theme.js';
import { PROCEDURES } from '../procedures/catalog.js';
import { spawnEditor } from '../procedures/editor.js';
import { formatDuration, RUN_LABEL, STATUS_GLYPH, STATUS_LABEL } from '../procedures/format.js';
import { DRY_RUN_KEY, type Interaction, type ProcedureSession } from '../procedures/session.js';
import { PROCEDURE_IDS, type EditResult, type RunStatus, type StepStatus, type StepView } from '../procedures/types.js';

const STEP_COLOR: Record<StepStatus, string> = {
  pending: theme.muted,
  running: theme.accent,
  ok: theme.ok,
  failed: theme.bad,
  skipped: theme.muted,
  cancelled: theme.warn,
};
const RUN_COLOR: Record<RunStatus, string> = {
  idle: theme.muted,
  running: theme.accent,
  ok: theme.ok,
  failed: theme.bad,
  cancelled: theme.warn,
};

function useEditorHook(session: ProcedureSession): void {
  const { suspendTerminal } = useInkApp();
  useEffect(() => {
    session.editor = async (path: string): Promise<EditResult> => {
      let result: EditResult = { ok: false, error: 'the editor did not run' };
      await suspendTerminal(async () => {
        result = await spawnEditor(path);
      });
      return result;
    };
    return () => {
      session.editor = null;
    };
  }, [session, suspendTerminal]);
}

function stepLine(s: StepView, i: number, now: number): string {
  const took =
    s.durationMs !== null ? formatDuration(s.durationMs) : s.status === 'running' && s.startedAt ? formatDuration(now - s.startedAt) : '';
  const exit = s.exitCode !== null && s.status !== 'ok' ? ` exit ${s.exitCode}` : '';
  return `${STATUS_GLYPH[s.status]} ${String(i + 1).padStart(2)}. ${s.label}  ${STATUS_LABEL[s.status]}${took ? ` ${took}` : ''}${exit}`;
}

function InteractionBox({ it, width }: { it: Interaction; width: number }) {
  switch (it.kind) {
    case 'editing':
      return <Text color={theme.warn}>{`editing ${it.path} in $EDITOR…`}</Text>;
    case 'cancel-run':
      return (
        <Text color={theme.warn} bold>
          Cancel the running procedure? y cancels (SIGINT, SIGTERM after 3 s, then SIGKILL); any other key keeps it running
        </Text>
      );
    case 'service':
      return (
        <Box flexDirection="column">
          <Text bold>{`Which container? (↑↓, Enter${it.dryRun ? ', dry run' : ''}, Esc)`}</Text>
          {it.options.map((o, i) => (
            <Text
              key={o}
              color={i === it.selected ? theme.accent : undefined}
              wrap="truncate"
            >{`${i === it.selected ? '›' : ' '} ${o}`}</Text>
          ))}
        </Box>
      );
    case 'choose':
      return (
        <Box flexDirection="column">
          <Text bold>{`${it.req.title} (↑↓, Enter picks, Esc cancels)`}</Text>
          {it.req.lines.map((l) => (
            <Text key={l} color={theme.muted} wrap="truncate">
              {l}
            </Text>
          ))}
          {it.req.options.map((o, i) => (
            <Text
              key={o.value}
              color={i === it.selected ? theme.accent : undefined}
              wrap="truncate"
            >{`${i === it.selected ? '›' : ' '} ${o.label}`}</Text>
          ))}
        </Box>
      );
    case 'confirm':
      // The same box as the action prompts: plan lines wrap, the input line always shows.
      return (
        <ConfirmBox
          p={{ title: it.req.title, lines: it.req.lines, warning: it.req.warning, word: it.req.word, input: it.input, error: it.error }}
          width={width}
        />
      );
  }
}

export function ProceduresScreen({ session, height, width }: { session: ProcedureSession; height: number; width: number }) {
  useEditorHook(session);
  const ui = useStore(session.ui);
  const run = useStore(session.run);
  const now = Date.now();
  const listRows = PROCEDURE_IDS.length;
  const focus =
    ui.focusStep ??
    run.current ??
    Math.max(
      0,
      run.steps.findIndex((s) => s.status === 'failed' || s.status === 'cancelled'),
    );
  const shown = run.steps[focus];
  // Before it starts, the selected procedure says what it does and warns (e.g. the recreate wipes the halt file).
  const showPreview = run.status !== 'running' && run.procedureId !== PROCEDURE_IDS[ui.selected];
  const preview = showPreview ? session.preview(PROCEDURE_IDS[ui.selected] ?? 'crash-recovery') : null;
  const rowsOf = (text: string) => Math.max(1, Math.ceil(text.length / Math.max(1, width)));
  const previewRows = preview ? 1 + (preview.warning ? rowsOf(`WARNING: ${preview.warning}`) : 0) : 0;
  const runRows = run.procedureId && !showPreview ? 2 + (run.warning ? 1 : 0) + run.steps.length + 1 : 0;
  const fixed = 1 + (session.sandbox ? 1 : 0) + listRows + 1 + previewRows + runRows + (ui.notice ? 1 : 0);
  const outRows = Math.max(0, height - fixed);
  const output = shown && !showPreview ? (run.dryRun ? shown.plan : shown.output) : [];
  const end = Math.max(0, output.length - ui.scroll);
  const visible = output.slice(Math.max(0, end - outRows), end);
  const hint =
    run.status === 'running'
      ? 'x cancel · Tab step · PgUp/PgDn scroll'
      : `Enter run · ${DRY_RUN_KEY} dry run · ↑↓ choose · Tab step · Esc back`;

  if (ui.interaction?.kind === 'confirm') {
    // A typed confirmation takes the screen's body: nothing else competes for its rows (at 80x24
    // the checklist and the box drew over each other).
    return (
      <Box flexDirection="column" height={height} width={width} overflow="hidden">
        <Text bold color={theme.accent} wrap="truncate">{`Procedures — ${run.title || 'confirm'}`}</Text>
        {session.sandbox ? (
          <Text color={theme.warn} wrap="truncate">
            {session.sandbox}
          </Text>
        ) : null}
        <InteractionBox it={ui.interaction} width={width} />
      </Box>
    );
  }
  return (
    <Box flexDirection="column" height={height} width={width} overflow="hidden">
      <Text bold color={theme.accent} wrap="truncate">{`Procedures — runbook checklists · ${hint}`}</Text>
      {session.sandbox ? (
        <Text color={theme.warn} wrap="truncate">
          {session.sandbox}
        </Text>
      ) : null}
      {PROCEDURE_IDS.map((id, i) => (
        <Text key={id} color={i === ui.selected ? theme.accent : undefined} wrap="truncate">
          {`${i === ui.selected ? '›' : ' '} ${id.padEnd(24)}`}
          <Text color={theme.muted}>{`${PROCEDURES[id].title} (runbook ${PROCEDURES[id].runbook})`}</Text>
        </Text>
      ))}
      <Text color={theme.muted} wrap="truncate">
        {'─'.repeat(Math.max(0, width))}
      </Text>
      {preview ? (
        <>
          <Text wrap="truncate">{`${PROCEDURE_IDS[ui.selected]}: ${preview.summary}`}</Text>
          {preview.warning ? <Text color={theme.warn}>{`WARNING: ${preview.warning}`}</Text> : null}
        </>
      ) : null}
      {run.procedureId && !showPreview ? (
        <>
          <Text wrap="truncate">
            <Text bold>{`${run.title}${run.dryRun ? ' (DRY RUN: nothing is executed)' : ''}  `}</Text>
            <Text bold color={RUN_COLOR[run.status]}>
              {RUN_LABEL[run.status]}
            </Text>
          </Text>
          <Text color={run.status === 'failed' ? theme.bad : theme.muted} wrap="truncate">
            {run.summary}
          </Text>
          {run.warning ? <Text color={theme.warn} wrap="truncate">{`WARNING: ${run.warning}`}</Text> : null}
          {run.steps.map((s, i) => (
            <Text key={s.id} color={STEP_COLOR[s.status]} inverse={i === focus && run.steps.length > 1} wrap="truncate">
              {stepLine(s, i, now)}
              {s.destructive ? <Text color={theme.bad}>{'  changes the system'}</Text> : null}
              {s.summary && s.status !== 'pending' && s.status !== 'running' ? <Text color={theme.muted}>{` — ${s.summary}`}</Text> : null}
            </Text>
          ))}
          <Text
            color={theme.muted}
            wrap="truncate"
          >{`── ${shown ? `${run.dryRun ? 'plan' : 'output'} of ${focus + 1}. ${shown.label}` : 'output'}${shown?.dropped ? ` (${shown.dropped} earlier lines dropped)` : ''}${ui.scroll ? ` · ${ui.scroll} newer below` : ''} ──`}</Text>
        </>
      ) : null}
      {ui.interaction ? (
        <InteractionBox it={ui.interaction} width={width - 2} />
      ) : (
        visible.map((l, i) => (
          // Lines are sanitized (only SGR survives), so printing them cannot move the cursor.
          // biome-ignore lint/suspicious/noArrayIndexKey: output lines have no identity but their position in the stream
          <Text key={`${end - visible.length + i}`} wrap="truncate">
            {l}
          </Text>
        ))
      )}
      {ui.notice ? (
        <Text color={ui.notice.tone === 'error' ? theme.bad : ui.notice.tone === 'warn' ? theme.warn : undefined} wrap="truncate">
          {ui.notice.text}
        </Text>
      ) : null}
    </Box>
  );
}
