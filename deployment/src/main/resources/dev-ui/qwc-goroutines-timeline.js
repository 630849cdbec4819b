import { QwcHotReloadElement, html, css } from 'qwc-hot-reload-element';
import { JsonRpc } from 'jsonrpc';
import { themeState } from 'theme-state';
import * as echarts from 'echarts/dist/echarts.esm.min.mjs';

/** How many points the charts keep: five minutes at four samples a second, as the server's history. */
const WINDOW = 1200;
const LIVE_STATES = ['RUNNING', 'RUNNABLE', 'SYSCALL', 'PREEMPTED', 'WAITING'];

/**
 * Timeline page: two live line charts over the last minutes, run-queue lengths (each P and the global queue) and Gs
 * by state. Starts from the sampler's recorded history, then follows its stream.
 */
export class QwcGoroutinesTimeline extends QwcHotReloadElement {

    jsonRpc = new JsonRpc(this);

    static styles = css`
        :host { display: flex; flex-direction: column; gap: 1em; padding: 0 1em 1em 1em; height: 100%; }
        .chart { width: 100%; height: 320px; }
    `;

    constructor() {
        super();
        this._points = [];
    }

    connectedCallback() {
        super.connectedCallback();
        this._load();
    }

    disconnectedCallback() {
        this._unsubscribe();
        if (this._resize) this._resize.disconnect();
        for (const c of [this._queues, this._states]) {
            if (c) c.dispose();
        }
        this._queues = this._states = null;
        super.disconnectedCallback();
    }

    hotReload() {
        this._unsubscribe();
        this._points = [];
        this._load();
    }

    render() {
        return html`<div id="queues" class="chart"></div><div id="states" class="chart"></div>`;
    }

    firstUpdated() {
        const theme = themeState.theme && themeState.theme.name === 'dark' ? 'dark' : null;
        this._queues = echarts.init(this.shadowRoot.getElementById('queues'), theme);
        this._states = echarts.init(this.shadowRoot.getElementById('states'), theme);
        this._resize = new ResizeObserver(() => {
            this._queues.resize();
            this._states.resize();
        });
        this._resize.observe(this);
        this._draw();
    }

    _load() {
        this.jsonRpc.timeline().then(r => {
            this._points = r.result.slice(-WINDOW);
            this._draw();
            this._observer = this.jsonRpc.streamScheduler().onNext(v => this._add(v.result));
        });
    }

    _unsubscribe() {
        if (this._observer) {
            this._observer.cancel();
            this._observer = null;
        }
    }

    _add(view) {
        if (!view.running) return;
        const s = view.snapshot;
        const gs = {};
        for (const st of LIVE_STATES) gs[st] = s.goroutinesByState[st] || 0;
        this._points.push({ t: Date.now(), runq: s.ps.map(p => p.runqsize), global: s.globalRunqueue, gs: gs });
        if (this._points.length > WINDOW) this._points.shift();
        this._draw();
    }

    _draw() {
        if (!this._queues) return;
        const pts = this._points;
        const procs = pts.reduce((n, p) => Math.max(n, p.runq.length), 0);
        const queues = [];
        for (let i = 0; i < procs; i++) {
            queues.push(this._series('P' + i + ' run queue', pts.map(p => [p.t, i < p.runq.length ? p.runq[i] : null])));
        }
        queues.push(this._series('global queue', pts.map(p => [p.t, p.global])));
        this._queues.setOption(this._option('Run-queue lengths', queues), { replaceMerge: ['series'] });
        const states = LIVE_STATES.map(st => this._series(st.toLowerCase(), pts.map(p => [p.t, p.gs[st] || 0])));
        this._states.setOption(this._option('Gs by state', states), { replaceMerge: ['series'] });
    }

    _series(name, data) {
        return { name: name, type: 'line', showSymbol: false, data: data };
    }

    _option(title, series) {
        return {
            animation: false,
            title: { text: title, left: 'center', textStyle: { fontSize: 14 } },
            tooltip: { trigger: 'axis' },
            legend: { bottom: 0, type: 'scroll' },
            grid: { left: 50, right: 20, top: 40, bottom: 50 },
            xAxis: { type: 'time' },
            yAxis: { type: 'value', minInterval: 1 },
            series: series
        };
    }
}
customElements.define('qwc-goroutines-timeline', QwcGoroutinesTimeline);
