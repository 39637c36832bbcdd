import { useCallback, useEffect, useState } from "react";
import { errorMessage } from "../api/client";

/** Async is the state of a load: its value, its error in words, and a reload. */
export interface Async<T> {
  value: T | undefined;
  error: string;
  loading: boolean;
  reload: () => void;
}

/**
 * useAsync runs load whenever deps change and keeps its latest answer. A
 * load started before a newer one is ignored when it ends.
 */
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): Async<T> {
  const [state, setState] = useState<{ value?: T; error: string; loading: boolean }>({
    error: "",
    loading: true,
  });
  const [tick, setTick] = useState(0);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const run = useCallback(load, deps);
  useEffect(() => {
    const ctl = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    run(ctl.signal).then(
      (value) => {
        if (!ctl.signal.aborted) setState({ value, error: "", loading: false });
      },
      (err: unknown) => {
        if (!ctl.signal.aborted)
          setState((s) => ({ ...s, error: errorMessage(err), loading: false }));
      },
    );
    return () => ctl.abort();
  }, [run, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { value: state.value, error: state.error, loading: state.loading, reload };
}
