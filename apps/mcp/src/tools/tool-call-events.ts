/** How a tool call ended: a result, a result the model must act on, refused by a limit, or thrown. */
export type ToolCallOutcome = 'ok' | 'tool_error' | 'refused' | 'error';

type Observer = (tool: string, outcome: ToolCallOutcome) => void;
const observers = new Set<Observer>();

/**
 * Every tool call, over HTTP (fast path or SDK) or stdio, goes through `runTool`, which reports
 * here; the app running in this process counts them. Returns the unsubscribe.
 */
export function observeToolCalls(observer: Observer): () => void {
  observers.add(observer);
  return () => observers.delete(observer);
}

export function reportToolCall(tool: string, outcome: ToolCallOutcome): void {
  for (const observer of observers) observer(tool, outcome);
}
