/**
 * The run as a picture (SVG, rendered headless by Vega): throughput per workload with its
 * ratio to the ceiling, and latency percentiles (p50, p90, p99, log scale) per workload.
 */
interface PlotInput {
  startedAt: string;
  database: string;
  commit: string;
  settings: { connections: number; seconds: number };
  rows: Array<{
    workload: string;
    phase: string;
    ratio: number | null;
    load: { perSecond: number; connections: number; latencyMs: { p50: number; p90: number; p99: number; max: number } };
  }>;
}

export async function renderPlot(result: PlotInput): Promise<string> {
  const vl = await import('vega-lite');
  const vega = await import('vega');
  const label = (r: PlotInput['rows'][number]) =>
    `${r.workload}${r.load.connections === result.settings.connections ? '' : ` (${r.load.connections} conn)`}${
      r.phase === 'main' || r.phase === 'ceiling' ? '' : ` · ${r.phase}`
    }`;
  const order = result.rows.map(label);
  const throughput = result.rows.map((r) => ({
    workload: label(r),
    kind: r.phase === 'ceiling' ? 'ceiling' : 'through the gateway',
    perSecond: Math.round(r.load.perSecond),
    text: `${Math.round(r.load.perSecond).toLocaleString('en-US')}/s${r.ratio === null ? '' : ` · ${(r.ratio * 100).toFixed(1)}%`}`,
  }));
  const latency = result.rows.flatMap((r) =>
    (['p50', 'p90', 'p99'] as const).map((p) => ({
      workload: label(r),
      percentile: p,
      ms: Math.max(0.1, r.load.latencyMs[p]),
    })),
  );
  const y = { field: 'workload', type: 'nominal', sort: order, title: null };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `MicroPay benchmark · ${result.database} · ${result.settings.connections} connections · ${result.startedAt.slice(0, 16)}Z · ${result.commit}`,
      subtitle:
        'Throughput (label: rate · ratio to its ceiling: hello-world for HTTP, the SQL transaction for transfers) and latency percentiles',
    },
    hconcat: [
      {
        width: 360,
        data: { values: throughput },
        layer: [
          {
            mark: 'bar',
            encoding: {
              y,
              x: {
                field: 'perSecond',
                type: 'quantitative',
                title: 'operations per second',
                scale: { type: 'log', domainMin: 1 },
              },
              color: {
                field: 'kind',
                type: 'nominal',
                title: null,
                scale: { range: ['#9aa5b1', '#2f6fb2'] },
                legend: { orient: 'bottom' },
              },
            },
          },
          {
            mark: { type: 'text', align: 'left', dx: 3, fontSize: 10 },
            encoding: { y, x: { field: 'perSecond', type: 'quantitative' }, text: { field: 'text' } },
          },
        ],
      },
      {
        width: 360,
        data: { values: latency },
        mark: { type: 'point', filled: true, size: 60 },
        encoding: {
          y,
          x: { field: 'ms', type: 'quantitative', title: 'latency (ms, log scale)', scale: { type: 'log' } },
          color: {
            field: 'percentile',
            type: 'nominal',
            scale: { range: ['#2a9d8f', '#e9c46a', '#e76f51'] },
            legend: { orient: 'bottom' },
          },
          shape: { field: 'percentile', type: 'nominal' },
        },
      },
    ],
    resolve: { scale: { color: 'independent', shape: 'independent' } },
    config: { font: 'sans-serif', background: 'white' },
  };
  const compiled = vl.compile(spec as never).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  return view.toSVG();
}
