// One line per fact, prefixed with the elapsed time, so a person reading `npm start` / `npm test`
// output (or a CI log) can see what was found, installed or started, and when.
const startedAt = Date.now();

const elapsed = () => `${((Date.now() - startedAt) / 1000).toFixed(1).padStart(6)}s`;

export const say = (line) => {
  process.stdout.write(`[pinggai ${elapsed()}] ${line}\n`);
};

export const warn = (line) => {
  process.stderr.write(`[pinggai ${elapsed()}] ! ${line}\n`);
};

export const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** The reason of an error in one line, for log lines. */
export const reasonOf = (error) => (error instanceof Error ? error.message : String(error)).split('\n')[0];
