// The console's buttons, written once: every action looks and focuses the same way.
const BASE = "rounded-md px-3 py-1.5 text-sm font-medium focus-visible:outline-2 focus-visible:outline-offset-2 disabled:opacity-60";

export const BUTTON = {
  primary: `${BASE} bg-indigo-600 text-white hover:bg-indigo-500 focus-visible:outline-indigo-600`,
  secondary: `${BASE} border border-slate-300 bg-white text-slate-700 hover:bg-slate-100 focus-visible:outline-indigo-600`,
  danger: `${BASE} bg-red-600 text-white hover:bg-red-500 focus-visible:outline-red-600`,
  dangerOutline: `${BASE} border border-red-300 bg-white text-red-700 hover:bg-red-50 focus-visible:outline-red-600`,
} as const;
