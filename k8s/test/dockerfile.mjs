// What the Kubernetes manifests assume of the image (Dockerfile), checked on its text since no Docker engine may be
// there to build it: the stage chosen by MODE exists for jvm and native, each runs as a numeric non-root user (the
// pods' runAsNonRoot needs a number), exposes the container port, carries no HEALTHCHECK (the probes do that) and
// copies nothing but the build's output.

/** The stages of a Dockerfile: {name, from, lines} in order; `args` holds the ARG defaults before the first FROM. */
export function stages(text) {
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const args = {};
  const result = [];
  for (const line of lines) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?$/i.exec(line);
    if (from) {
      result.push({ from: from[1], name: from[2], lines: [] });
    } else if (result.length === 0 && /^ARG\s+(\w+)=(\S+)$/i.test(line)) {
      const [, key, value] = /^ARG\s+(\w+)=(\S+)$/i.exec(line);
      args[key] = value;
    } else if (result.length > 0) {
      result[result.length - 1].lines.push(line);
    }
  }
  return { args, stages: result };
}

/** Problems of the image for a Deployment whose container listens on `port`. */
export function imageProblems(text, port) {
  const { args, stages: all } = stages(text);
  const p = [];
  if (args.MODE !== 'jvm') p.push(`ARG MODE defaults to ${args.MODE}, not jvm`);
  const last = all[all.length - 1];
  if (last?.from !== 'run-${MODE}') p.push('the last stage is not FROM run-${MODE}');
  for (const mode of ['jvm', 'native']) {
    const stage = all.find((s) => s.name === `run-${mode}`);
    if (!stage) {
      p.push(`no stage run-${mode}`);
      continue;
    }
    const user = stage.lines.filter((l) => /^USER\s/i.test(l)).pop()?.split(/\s+/)[1];
    if (!/^[1-9]\d*$/.test(user || '')) p.push(`run-${mode} runs as ${user ?? 'root'}, not a numeric non-root user`);
    if (!stage.lines.some((l) => new RegExp(`^EXPOSE\\s+${port}$`, 'i').test(l))) p.push(`run-${mode} does not expose ${port}`);
    stage.lines.filter((l) => /^(COPY|ADD)\s/i.test(l) && !/--from=build-/.test(l))
      .forEach((l) => p.push(`run-${mode} copies more than the build's output: ${l}`));
    const build = stage.lines.map((l) => /--from=(\S+)/.exec(l)?.[1]).find((b) => b);
    if (build && !all.some((s) => s.name === build)) p.push(`run-${mode} copies from unknown stage ${build}`);
  }
  if (!all.some((s) => s.lines.some((l) => /\.\/mvnw\b.*\bpackage\b/.test(l)))) p.push('nothing builds with ./mvnw package');
  if (all.some((s) => s.lines.some((l) => /^HEALTHCHECK/i.test(l)))) p.push('a HEALTHCHECK (the probes do that)');
  return p;
}
